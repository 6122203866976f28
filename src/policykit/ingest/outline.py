"""Tables of contents: a body that repeats the entries of an outline at the head of the text goes under them."""

from __future__ import annotations

from policykit.ingest.numbering import Opening, heading_shaped, label_number, line_spans
from policykit.ingest.sentences import has_sentence_end
from policykit.zh import content_key as _key

# A table of contents: a document (an explainer converted from slides, say) that opens with an outline
# of its parts and items (一、… with 1. 2. … under them, no text between the entries) and then repeats
# those entries as the headings of its body. The body is placed under the outline: a body heading that
# is, or contains, an outline entry goes under that entry's part, the headings after it go under it.
# A part's name repeated on every slide as navigation moves nothing (only its first, lone occurrence).
OUTLINE_MIN_ENTRIES, OUTLINE_MIN_KEY = 6, 4


def _outline_run(text: str, openings: list[Opening]) -> list[int]:
    """Indices of the openings that form a table of contents at the head of the text, if any."""
    first = next((i for i, op in enumerate(openings) if op.kind == "numbered"), None)
    if first is None:
        return []
    run, last_value, top = [first], {}, openings[first].convention
    last_value[top] = label_number(openings[first].label)
    for k in range(first + 1, len(openings)):
        op, prev = openings[k], openings[k - 1]
        if op.kind != "numbered" or has_sentence_end(text[prev.start:op.start]):
            break
        value = label_number(op.label)
        if op.convention != top and value is not None and last_value.get(op.convention, 0) >= value \
                and openings[k - 1].convention != top:
            break  # the numbering starts again: the body has begun
        if op.convention == top and value is not None and last_value.get(top, 0) >= value:
            break
        last_value[op.convention] = value
        run.append(k)
    conventions = {openings[k].convention for k in run}
    n_top = sum(openings[k].convention == top for k in run)
    if len(run) < OUTLINE_MIN_ENTRIES or len(conventions) < 2 or n_top < 2 or run[-1] + 1 >= len(openings):
        return []
    return run


def _in_navigation(text: str, openings: list[Opening], body: list[int], pos: int, match, part_names: set[str]) -> bool:
    """Whether the body opening at pos stands in a run of part names with no text between them."""
    for other in (pos - 1, pos + 1):
        if 0 <= other < len(body):
            a, b = sorted((openings[body[pos]].start, openings[body[other]].start))
            if match(openings[body[other]].heading or "") in part_names and not has_sentence_end(text[a:b]):
                return True
    return False


def _outline_entries(text: str, openings: list[Opening], run: list[int]) -> tuple[dict[str, int], set[str]]:
    """Key of every outline entry (and unnumbered sub-entry line) -> index of its part; the part names."""
    top = openings[run[0]].convention
    part_of: dict[str, int] = {}
    part_names: set[str] = set()
    part = run[0]
    for k in run:
        if openings[k].convention == top:
            part = k
            part_names.add(_key(openings[k].heading))
        # an entry's own lines (sub-entries without numbering); the last entry's heading only, as the
        # body begins somewhere after it
        nxt = openings[k + 1].start if k != run[-1] else text.find("\n", openings[k].start) % (len(text) + 1)
        for ln in line_spans(text[openings[k].start:nxt]):
            key = _key(text[openings[k].start + ln.start:openings[k].start + ln.end])
            part_of.setdefault(_key(openings[k].heading) if ln.start == 0 else key, part)
    return part_of, part_names


def _outline_matcher(keys: list[str], numbered: set[str]):
    """A function from a heading to the outline entry it names (None if it names none).

    A heading names an entry it contains (longest first); else, since a slide title may reword its entry
    (加强资金支持 -> 五种资金支持方式…), a run of at least OUTLINE_MIN_KEY characters that only one
    numbered entry has (资金支持, not 数据要素).
    """
    owners: dict[str, set[str]] = {}
    for k in numbered:
        for n in range(OUTLINE_MIN_KEY, len(k) + 1):
            for i in range(len(k) - n + 1):
                owners.setdefault(k[i:i + n], set()).add(k)
    distinctive = {sub: next(iter(ks)) for sub, ks in owners.items() if len(ks) == 1}

    def match(line: str | None) -> str | None:
        key = _key(line)
        whole = next((k for k in keys if k == key or k in key), None)
        if whole is not None or not key:
            return whole
        for n in range(len(key), OUTLINE_MIN_KEY - 1, -1):
            for i in range(len(key) - n + 1):
                if key[i:i + n] in distinctive:
                    return distinctive[key[i:i + n]]
        return None

    return match


def outline_placement(text: str, openings: list[Opening]) -> tuple[list[Opening], dict[int, int | None]]:
    """Openings (body headings repeating an outline entry added) and the opening each body opening goes under.

    Only for a document with a table of contents; otherwise the openings unchanged and no placement.
    """
    run = _outline_run(text, openings)
    if not run:
        return openings, {}
    top = openings[run[0]].convention
    if any(op.convention == top and label_number(op.label) == 1 for op in openings[run[-1] + 1:]):
        return openings, {}  # the body numbers its parts again from the first (a 目录 before a law): its own tree
    part_of, part_names = _outline_entries(text, openings, run)
    keys = sorted((k for k in part_of if len(k) >= OUTLINE_MIN_KEY), key=len, reverse=True)
    match = _outline_matcher(keys, {_key(openings[i].heading) for i in run} & set(keys))
    end_of_outline = openings[run[-1] + 1].start
    # headings of the body that repeat an outline entry open a provision even without text under them
    starts = {op.start for op in openings}
    extra = [
        Opening(ln.start, "bare", "bare", "", text[ln.start:ln.end], ln.start, True)
        for ln in line_spans(text) if ln.start >= end_of_outline and ln.start not in starts
        and heading_shaped(text[ln.start:ln.end]) and match(text[ln.start:ln.end])
    ]
    openings = sorted([*openings, *extra], key=lambda op: op.start)
    body = [k for k, op in enumerate(openings) if op.start >= end_of_outline]
    last_part = max(part_of.values())
    placed: dict[int, int | None] = {}
    anchor: int | None = None
    anchor_entry: str | None = None
    seen_parts: set[str] = set()
    for pos, k in enumerate(body):
        m = match(openings[k].heading) if openings[k].heading else None
        if m in part_names:
            if m in seen_parts or _in_navigation(text, openings, body, pos, match, part_names):
                seen_parts.add(m)
                m = None  # navigation: a part's name repeated on a slide
            seen_parts.add(m or "")
        if m is not None and m != anchor_entry:  # (a sub-heading naming its slide's entry stays under it)
            anchor, anchor_entry, placed[k] = k, m, part_of[m]
        else:
            placed[k] = anchor if anchor is not None else last_part
    return openings, placed
