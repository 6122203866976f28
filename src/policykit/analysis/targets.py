"""Targets stage: dated and quantitative commitments, rules, forecasts and reported facts.

The rows follow the codebook of the gold set (docs/codebook.md); `policykit evaluate` scores them
(policykit.evaluation.targets). Dates and quantities are parsed by policykit.analysis.targets_parse; which kind a
dated or undated figure gives is decided by the decision tables of policykit.analysis.target_kinds; this module
extracts: sentences -> clauses -> rows, their dates and metric words, ids, and the stage build_targets.

How a sentence becomes rows
- Its dates ("anchors", with a role: deadline, as_of, effective, recurring, comment, date) and quantities
  are found first. Each anchor governs the sentence from its clause up to the clause of the next anchor.
- A commitment (a deadline, not in the past, in a document that is not a report) gives one row per
  clause (split at ， and ；): a `metric` per quantity in the clause, else a `goal` in the clause's own
  words. Purpose clauses (为…提供坚强保障, 有力支撑…) and bare headings (总体目标) are not rows.
- A sentence without an anchor borrows a deadline within the same provision: after a clause ending in ；, and
  under a line holding only a deadline (到2026年底 as a slide heading above its bullet lines, also when the
  lines were parsed as unnumbered provisions of their own); a numbered item, or the heading of a new
  numbered list, ends that heading's reach.
- Without any date: in a report every quantity is a `reported_fact` (a `forecast` with a prediction cue),
  dated only where its own sentence says so (目前, 已有, 至今: the document's date, else its date lower
  bound), never by another sentence's date; in a normative text a period closed by 内 is a `time_limit`
  (十五日内作出决定), a range or a fine a `rule` with both ends, and a percentage, percentage points, a
  duration or a cap (不超过, 以内, 低于) a `rule`; 每年/每两年 without a calendar date is a cycle (`rule`,
  value N, unit 年). A time-effect clause of a legal text (本解释施行后尚未审结的案件，适用本解释) is a `rule`,
  its dates no deadlines. How many departments issued a text (17部门联合印发) is a `reported_fact`.

Kinds (the document's `kind` and `date` come from the documents table; the rules: policykit.analysis.target_kinds)
- `goal` / `metric`: a dated commitment without / with a number, in a document that is not a report.
- `rule`: a quantitative rule with no deadline (cap, threshold, margin, cycle, fine, time-effect clause).
- `time_limit`: a duty to act within a period (十五日内作出决定: 15, 日, <=, metric 作出决定).
- `effective_date`: 本法/本条例/本办法/本规定/本通知/本意见 自…起施行 (自印发之日起施行 takes the document's date);
  a report citing another text's entry into force gives no row.
- `reporting_deadline`: a recurring duty (每年3月底前…报送). `deadline` is left null: a recurring date has no
  single occurrence; deadline_text keeps it.
- `comment_period`: 征求意见的时间为…至…, due on its last day.
- `forecast`: in a report or news item, a sentence with a prediction cue (预计, 有望, 将达到 …), or in a
  report a date after the report's own date. A past date is never a forecast.
- `reported_fact`: a statistic stated as fact: 截至…, a past year, anything in a report that is not a
  forecast. Past-dated sentences give rows only with a number.

Dates: a commitment (and a forecast) is dated by `deadline`, a reported fact by `as_of` from its own sentence
(截至2024年7月 -> 2024-07-31; 2023年1月至8月 -> 2023-08-31, since 2023-01-01; 半年报 -> 30 June; 截至目前,
当前 -> the document's date, else its date lower bound, `as_of_basis` saying which; 自2015年…以来 -> `since`
2015-01-01 and the document's time as as_of). Values: see policykit.analysis.quantities; 增长1倍, 倍增 and
翻一番 are all 2 (倍).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pandas as pd

from policykit.analysis.locate import provision_ids
from policykit.analysis.quantities import quantity
from policykit.analysis.target_kinds import CYCLE_RULES, RULE_DOC_KINDS, UNDATED_RULES, Case, classify, decide
from policykit.analysis.targets_parse import (  # noqa: F401 - re-exported: the parsers belong to this stage's interface
    ANCHOR_RE,
    CLAUSE_BREAK,
    COMMENT_CUE_RE,
    CYCLE_RE,
    DURATION_UNITS,
    HALF_YEAR_REPORT_RE,
    Anchor,
    Quantity,
    Span,
    _inside,
    _int,
    find_anchors,
    find_quantities,
    parse_number,
    plan_period_end,
    resolve_date,
)
from policykit.errors import InputError
from policykit.schema import require, table
from policykit.zh import FIRST_ITEM_RE
from policykit.zh import HAN_RE as CJK_RE
from policykit.zh import NUMBERED_ITEM_RE as NUMBERED_RE

FORECAST_CUES = re.compile(r"预计|预测|有望|将达到|将达|将超过|将突破|将增长|将增至|将是|将由")
# A numbered heading or item (zh.NUMBERED_ITEM_RE) opens a new unit: a deadline heading above bullet points
# does not reach past it.
TRAILING_LINKS = re.compile(r"(?:分别|为|是|达到|达|将|在|、)+$|(?<![参给涉])(?:和|及|与)$")
LEADING_LINKS = re.compile(r"^(?:的|和|及|与|、|但|而|其中)+")
# Metric words that name a measure without its subject (占…的比例, 较…增长, 同比增长 …).
# Where a clause's subject ends: its predicate (为, 占, 大幅跃升 …) or a preposition before the figure (以).
SUBJECT_END_RE = re.compile(
    r"[为是达占较以在于将]|大幅|显著|明显|基本|全面|进一步|不断|持续|更加|稳步|实现|跃升|提升|增长|形成|建成|取得"
)
SUBJECTLESS_RE = re.compile(r"^(?:占|较|比|同比|环比|分别|年均|增速|增幅|增长率|规模)")

# A reported fact is dated by as_of (when it held); every other kind by deadline (when it falls due, takes
# effect, or, for a forecast, the date the prediction is about).
FACT_KINDS = frozenset({"reported_fact"})
UNDATED_KINDS = frozenset({"rule", "time_limit"})  # they hold whenever they apply: no date
TIME_LIMIT_UNITS = frozenset({"日", "天", "个工作日", "工作日", "个月", "月", "年", "小时"})
FINE_RE = re.compile(r"罚款|罚金")
# A time-effect clause: the text's (or another version's) entry into force as a boundary in time, and what
# applies on each side of it (docs/codebook-lawtexts.md).
TIME_EFFECT_RE = re.compile(r"(?:施行|实施|生效|公布)(?:之日)?(?:前|后|以前|以后|之前|之后)|前(?:已经|尚未)"
                            r"|尚未审结|尚未审查终结|尚未届满|已经审结|已经审查终结|未结案件|即行废止|同时废止"
                            r"|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日(?:之?前|之?后|以前|以后)")
TIME_EFFECT_RULE_RE = re.compile(r"不?适用|为准|废止|仍然有效|依据修改[前后]")
# Words that put an undated figure at the document's own time (目前, 已有 …; docs/codebook.md 8.4).
PRESENT_RE = re.compile(r"目前|当前|现已|现有|已有|已经|已达|已|至今|迄今|今年|近日")
# 为…提供坚强保障 states what the goals serve, not a goal of its own.
PURPOSE_RE = re.compile(r"^(?:为.{0,60}(?:提供|奠定|打下|创造|营造|贡献)|(?:有力)?(?:支撑|助力|服务于))")
GOAL_HEADINGS = frozenset({"总体目标", "主要目标", "工作目标", "发展目标", "目标"})
KINDS = frozenset(table("documents").values("kind"))  # the document kinds extraction knows


def _clause(sentence: str, start: int, end: int) -> Span:
    """Span of the clause (between commas, semicolons, colons) holding [start, end)."""
    left = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_BREAK.finditer(sentence, end)), len(sentence))
    return left, right


def metric_text(
    sentence: str, start: int, end: int, remove: Iterable[Span] = (), others: Iterable[Span] = ()
) -> str:
    """Words of the clause around [start, end), without the spans in remove (the values, the date)."""
    left, right = _clause(sentence, start, end)
    # In a list of quantities (增长60%、100个以上品类…) each item ends at the 、 before the next one.
    for s, e in others:
        if left <= s and e <= start:
            cut = sentence.find("、", e, start)
            left = max(left, cut + 1) if cut >= 0 else left
        elif end <= s and e <= right:
            cut = sentence.rfind("、", end, s)
            right = min(right, cut) if cut >= 0 else right
    # a removed value takes its attributive 的 with it (98.8%的中小企业 -> 中小企业)
    remove = list(remove) + [(e, e + 1) for _s, e in remove if sentence.startswith("的", e)]
    keep = [i for i in range(left, right) if not _inside(i, i + 1, remove)]
    words = NUMBERED_RE.sub("", "".join(sentence[i] for i in keep)).strip(" 　\t“”")
    while True:  # links may be stacked (…比例分别为和): strip until none is left
        stripped = LEADING_LINKS.sub("", TRAILING_LINKS.sub("", words)).strip()
        if stripped == words:
            return words
        words = stripped


def _quantity_metric(sentence: str, q: Quantity, remove: list[Span], others: list[Span]) -> str:
    """What a quantity measures: its clause's words, with the subject of the clause before where needed."""
    return _with_subject(sentence, q.start, metric_text(sentence, q.start, q.end, remove, others), remove)


def _with_subject(sentence: str, start: int, words: str, remove: Iterable[Span]) -> str:
    """The metric words, with the subject taken from the clause before when this one leaves it implicit.

    …新增数据存储量为0.95ZB，占生产总量的比例为2.9% -> 新增数据存储量占生产总量的比例.
    """
    if words and not SUBJECTLESS_RE.match(words):
        return words
    left = _clause(sentence, start, start)[0]
    if left == 0:
        return words
    before, end = _clause(sentence, left - 1, left - 1)
    end = min([end, *(s for s, _e in remove if before <= s < end)])  # the subject comes before the figure
    subject = SUBJECT_END_RE.split(sentence[before:end], maxsplit=1)[0]
    previous = LEADING_LINKS.sub("", NUMBERED_RE.sub("", subject)).strip(" 　\t“”")
    return f"{previous}{words}" if previous else words


def _goal_text(sentence: str, anchor: Anchor) -> str:
    """Return what a deadline commits to: the rest of its clause, else the next clause."""
    rest = metric_text(sentence, anchor.start, anchor.end, [(anchor.start, anchor.end)])
    if rest or anchor.end >= len(sentence):
        return rest
    nxt = CLAUSE_BREAK.search(sentence, anchor.end)
    return metric_text(sentence, nxt.end(), nxt.end()) if nxt and nxt.end() < len(sentence) else ""


def reference_year(doc_date: str | None, text: str) -> int | None:
    """Year the document speaks from: its date, else the latest 截至 date it reports."""
    if doc_date:
        return int(str(doc_date)[:4])
    as_of = ("截至", "截止到", "截止")
    years = [_int(m.group("y")) for m in ANCHOR_RE.finditer(text) if m.group("pre") in as_of]
    return max(years, default=None)


def _row(kind: str, anchor: Anchor | None, metric: str | None, q: Quantity | None) -> dict:
    """One row: a reported fact is dated by as_of (with its basis and since), everything else by deadline."""
    fact = kind in FACT_KINDS
    date = anchor.date if anchor and kind not in UNDATED_KINDS else None
    as_of = date if fact else None
    return {"kind": kind, "deadline": None if fact else date, "as_of": as_of,
            "as_of_basis": (anchor.basis or "stated") if as_of and anchor else None,
            "since": anchor.since if fact and anchor else None,
            "deadline_text": (anchor.text or None) if anchor else None, "metric": metric or None,
            "value": q.value if q else None, "unit": q.unit if q else None,
            "comparator": q.comparator if q else None, "value_low": q.low if q else None,
            "value_high": q.high if q else None, "value_base": q.value_base if q else None,
            "unit_base": q.unit_base if q else None, "value_text": q.text if q else None}


def _clause_spans(sentence: str, start: int, end: int) -> list[Span]:
    """Clauses of sentence[start:end] (split at commas, semicolons, colons), empty ones dropped."""
    spans, left = [], start
    for m in CLAUSE_BREAK.finditer(sentence, start, end):
        spans.append((left, m.start()))
        left = m.end()
    spans.append((left, end))
    return [(s, e) for s, e in spans if sentence[s:e].strip()]


def _regions(sentence: str, anchors: list[Anchor]) -> list[Span]:
    """The part of the sentence each anchor governs: from its clause to the clause of the next anchor."""
    starts = [_clause(sentence, a.start, a.end)[0] for a in anchors]
    regions = []
    for i, anchor in enumerate(anchors):
        if i + 1 == len(anchors):
            end = len(sentence)
        else:
            end = starts[i + 1] if starts[i + 1] > starts[i] else anchors[i + 1].start
        regions.append((starts[i], max(end, anchor.end)))
    return regions


def _clause_goal(sentence: str, start: int, remove: list[Span]) -> str:
    """What a clause commits to, in its words, without dates, numbering label or purpose clause."""
    words = metric_text(sentence, start, start, remove)
    words = NUMBERED_RE.sub("", words).strip()
    if not CJK_RE.search(words) or PURPOSE_RE.match(words) or words in GOAL_HEADINGS:
        return ""
    return words


def _commitment_rows(sentence: str, anchor: Anchor, region: Span, lead_in: int, quantities: list[Quantity],
                     remove: list[Span], kinds: tuple[str | None, str | None]) -> list[dict]:
    """One row per clause of a commitment: a metric per quantity, else a goal in the clause's words."""
    goal_kind, value_kind = kinds
    spans = [(q.start, q.end) for q in quantities]
    rows = []
    for cs, ce in _clause_spans(sentence, lead_in, region[1]):
        in_clause = [q for q in quantities if cs <= q.start < ce]
        for q in in_clause:
            others = [span for span in spans if span != (q.start, q.end)]
            rows.append(_row(str(value_kind), anchor, _quantity_metric(sentence, q, remove + spans, others), q))
        if not in_clause and goal_kind == "goal" and ce > region[0]:
            words = _clause_goal(sentence, cs, remove)
            if words:
                rows.append(_row("goal", anchor, words, None))
    return rows


def _time_effect(sentence: str) -> bool:
    """Whether a sentence says which cases or texts a rule governs in time (a time-effect clause).

    本解释施行后尚未审结的案件，适用本解释; 2015年5月1日前尚未审结案件的审理期限，适用修改前的…规定;
    本规定施行前…与本规定不一致的，以本规定为准.
    """
    return bool(TIME_EFFECT_RE.search(sentence)) and bool(TIME_EFFECT_RULE_RE.search(sentence))


def _within(q: Quantity) -> bool:
    """Whether a quantity is a period closed by 内 (十五日内, 5个工作日内, 三个月以内)."""
    return (q.unit or "") in TIME_LIMIT_UNITS and q.text.endswith("内") and q.comparator == "<="


def _limit_unit(q: Quantity) -> Quantity:
    """A time limit's unit without its measure word (5个工作日 -> 工作日, 6个月 -> 月; codebook 8.7)."""
    unit = (q.unit or "").removeprefix("个")
    return quantity(q.start, q.end, q.text, q.value, unit, q.comparator) if unit != q.unit else q


def _fine(sentence: str, q: Quantity) -> bool:
    """Whether a quantity is the amount of a fine (处五千元罚款, 罚款五千元)."""
    left, right = _clause(sentence, q.start, q.end)
    return bool(FINE_RE.search(sentence, left, right)) and (q.unit_base or q.unit or "").endswith("元")


def _limited_action(sentence: str, q: Quantity) -> str:
    """What must be done within a time limit: the words after the period, else the clause's words."""
    right = _clause(sentence, q.start, q.end)[1]
    words = LEADING_LINKS.sub("", sentence[q.end:right]).strip(" 　\t“”")
    return words or metric_text(sentence, q.start, q.end, [(q.start, q.end)])


def undated_case(sentence: str, q: Quantity, doc_kind: str, cue: bool) -> Case:
    """What the decision table UNDATED_RULES looks at for a figure without a date."""
    return Case(doc_kind, cue=cue, has_value=True, unit=q.unit, comparator=q.comparator,
                within=_within(q), fine=_fine(sentence, q))


def _now(now: str | None, basis: str | None) -> Anchor:
    """The document's own time as the anchor of an undated figure (null when the document has none)."""
    return Anchor(0, 0, "", "as_of", now, int(now[:4]) if now else None, basis if now else None)


def _undated_rows(sentence: str, quantities: list[Quantity], doc_kind: str, now: str | None, cue: bool,
                  now_basis: str | None = None, cycles: bool = True) -> list[dict]:
    """Rows of a sentence without any date: facts in a report, rules, time limits and cycles in a policy text.

    The kinds are decided by policykit.analysis.target_kinds.UNDATED_RULES and CYCLE_RULES. A report's
    undated figure stands at the document's own time only where its sentence says so (目前, 已有 …); a date
    of another sentence never dates it.
    """
    rows = []
    spans = [(q.start, q.end) for q in quantities]
    for q in quantities:
        rule = decide(UNDATED_RULES, undated_case(sentence, q, doc_kind, cue))
        if rule.kind is None:
            continue
        others = [span for span in spans if span != (q.start, q.end)]
        if rule.kind == "time_limit":
            words = _limited_action(sentence, q)
            q = _limit_unit(q)
        else:
            words = _quantity_metric(sentence, q, spans, others)
        anchor: Anchor | None = None
        if rule.name == "report_passage_figure" and PRESENT_RE.search(sentence, 0, _clause(sentence, q.start,
                                                                                          q.end)[1]):
            anchor = _now(now, now_basis)  # a present word in its clause or a clause before it
        rows.append(_row(rule.kind, anchor, words, q))
    if not cycles:
        return rows
    cycle_kind = decide(CYCLE_RULES, Case(doc_kind)).kind
    if cycle_kind is not None:
        for m in CYCLE_RE.finditer(sentence):
            n = parse_number(m.group("n")) if m.group("n") else 1.0
            cycle = quantity(m.start(), m.end(), m.group(0), n or 1.0, "年", "=")
            rows.append(_row(cycle_kind, None, metric_text(sentence, m.start(), m.end(), [m.span()]), cycle))
    return rows


def sentence_rows(sentence: str, doc_kind: str, ref_year: int | None, doc_date: str | None = None,
                  inherited: Anchor | None = None, lead: bool = False, now: str | None = None,
                  now_basis: str | None = None) -> list[dict]:
    """Rows (kind, deadline, as_of, metric, value …) of one sentence; an inherited deadline applies when it has none.

    now is the document's own time (its date, else its date lower bound; now_basis says which).
    """
    if now is None and doc_date:
        now, now_basis = doc_date, "document_date"
    anchors = find_anchors(sentence, doc_date, now, now_basis)
    if doc_kind in RULE_DOC_KINDS and _time_effect(sentence) and not any(a.role == "effective" for a in anchors):
        # 本解释施行后尚未审结的案件，适用本解释: which cases the text governs, a rule; its dates are no deadlines
        return [_row("rule", None, metric_text(sentence, 0, len(sentence)) or sentence.strip(), None)]
    quantities = find_quantities(sentence, anchors)  # an anchor's span does not depend on the dates given
    cue = bool(FORECAST_CUES.search(sentence))
    own = bool(anchors)
    if not own:
        if inherited is None or not CJK_RE.search(sentence):
            return _undated_rows(sentence, quantities, doc_kind, now, cue, now_basis)
        anchors = [inherited]
    comment = bool(COMMENT_CUE_RE.search(sentence))
    regions = _regions(sentence, anchors) if own else [(0, len(sentence))]
    remove = [(a.start, a.end) for a in anchors] if own else []
    rows = []
    # quantities before the first date belong to it when it is a deadline (到2026年底 at the head of a goal);
    # a fact's date or present word governs its own clause and the clauses after it only (codebook 8.4)
    first = regions[0][0] if own and anchors[0].role in ("as_of", "date") else 0
    before = [q for q in quantities if q.start < first]
    if before:
        rows.extend(_undated_rows(sentence, before, doc_kind, None, cue, None, cycles=False))
    for i, (anchor, region) in enumerate(zip(anchors, regions, strict=True)):
        lead_in = first if i == 0 else region[0]
        qs = [q for q in quantities if lead_in <= q.start < region[1]]
        kinds = (classify(anchor.role, anchor.year, doc_kind, ref_year, cue, False, comment),
                 classify(anchor.role, anchor.year, doc_kind, ref_year, cue, True, comment))
        if kinds[0] == "goal" or kinds[1] == "metric":
            rows.extend(_commitment_rows(sentence, anchor, region, lead_in, qs, remove, kinds))
            continue
        if not qs and kinds[0] and (own or lead):
            words = _goal_text(sentence, anchor) if own else metric_text(sentence, 0, 0) or sentence
            rows.append(_row(kinds[0], anchor, words, None))
        spans = [(q.start, q.end) for q in quantities]
        for q in qs if kinds[1] else []:
            others = [span for span in spans if span != (q.start, q.end)]
            rows.append(_row(str(kinds[1]), anchor, _quantity_metric(sentence, q, remove + spans, others), q))
    return rows


def _is_lead(sentence: str, anchors: list[Anchor]) -> bool:
    """Whether a sentence holds a single deadline and nothing else (a heading over bullet points)."""
    if len(anchors) != 1 or anchors[0].role != "deadline":
        return False
    rest = sentence[: anchors[0].start] + sentence[anchors[0].end:]
    return not CJK_RE.search(rest)


def _provisions_holding(provisions: pd.DataFrame, doc_id: str, offsets: list[int]) -> list[str]:
    """provision_id of the provision holding each offset (locate's rule); an offset none holds is an error."""
    if provisions.empty:
        raise InputError("table provisions", f"document {doc_id} has no provisions")
    held = provision_ids(provisions, None, offsets)  # provisions: those of this document
    for offset, pid in zip(offsets, held, strict=True):
        if pid is None:
            raise InputError("table provisions", f"document {doc_id}: no provision holds offset {offset}")
    return held


def _iso(date: object) -> str | None:
    """A date cell as ISO text (None for null)."""
    return None if date is None or pd.isna(date) else str(date)[:10]


def extract_targets(doc_id: str, kind: str, doc_date: str | None, text: str, provisions: pd.DataFrame,
                    split: Callable[[str], list[Span]] | None = None, lower_bound: str | None = None) -> list[dict]:
    """Target rows of one document, with target_id doc_id:provision_id:n (n in order within the provision)."""
    if kind not in KINDS:
        raise InputError("table documents", f"document {doc_id} has unknown kind {kind!r}")
    if split is None:
        from policykit.ingest.structure import split_sentences as split
    doc_date = _iso(doc_date)
    # 截至目前 and 自…以来 stand at the document's own time: its date, else the latest date it reports as
    # past (date_lower_bound), else none (docs/codebook.md 8.4).
    now, now_basis = (doc_date, "document_date") if doc_date else (_iso(lower_bound), "document_lower_bound")
    ref_year = reference_year(doc_date, text)
    labels = dict(zip(provisions["provision_id"].astype(str), provisions["label"].fillna("").astype(str),
                      strict=True)) if "label" in provisions.columns else {}
    found: list[tuple[str, int, int, list[dict]]] = []
    carry: Anchor | None = None
    carry_lead = False
    lead_index: int | None = None  # the lead's own row is dropped once an item below it gives rows
    previous_provision = None
    spans = split(text)
    holders = _provisions_holding(provisions, doc_id, [start for start, _ in spans])
    for i, (start, end) in enumerate(spans):
        sentence = text[start:end]
        provision_id = holders[i]
        if provision_id != previous_provision:
            # bullet lines under a deadline heading may be parsed as unnumbered headings of their own
            keep_lead = carry_lead and not labels.get(provision_id, "x")
            if not keep_lead:
                carry, carry_lead = None, False
            previous_provision = provision_id
        following = text[spans[i + 1][0]:spans[i + 1][1]] if i + 1 < len(spans) else ""
        if carry_lead and (NUMBERED_RE.match(sentence) or FIRST_ITEM_RE.match(following)):
            carry, carry_lead = None, False  # a numbered item, or the heading of a new numbered list, ends the lead
        anchors = find_anchors(sentence, doc_date, now, now_basis)
        rows = sentence_rows(sentence, kind, ref_year, doc_date, carry, carry_lead, now, now_basis)
        if rows and carry_lead and not anchors and lead_index is not None:
            found[lead_index] = (*found[lead_index][:3], [])
            lead_index = None
        found.append((provision_id, start, end, rows))
        carry, carry_lead, is_lead = _next_carry(sentence, anchors, carry, carry_lead)
        lead_index = len(found) - 1 if is_lead else lead_index
    return _with_ids(doc_id, text, found)


def _next_carry(sentence: str, anchors: list[Anchor], carry: Anchor | None,
                carry_lead: bool) -> tuple[Anchor | None, bool, bool]:
    """(deadline the next sentence inherits, whether it comes from a lead, whether this sentence is a lead)."""
    if _is_lead(sentence, anchors):
        return anchors[0], True, True
    ends_clause = sentence.rstrip().endswith(("；", ";"))
    if anchors:  # a ；-clause hands its deadline (never a fact's date) to the rest of the 。-sentence
        return (anchors[-1] if ends_clause and anchors[-1].role == "deadline" else None), False, False
    if carry_lead or ends_clause:
        return carry, carry_lead, False
    return None, False, False


def _with_ids(doc_id: str, text: str, found: list[tuple[str, int, int, list[dict]]]) -> list[dict]:
    """Rows with target_id doc_id:provision_id:n, n counting in text order within the provision."""
    out: list[dict] = []
    counters: dict[str, int] = {}
    for provision_id, start, end, rows in found:
        for row in rows:
            counters[provision_id] = counters.get(provision_id, 0) + 1
            out.append({"target_id": f"{doc_id}:{provision_id}:{counters[provision_id]}", "doc_id": doc_id,
                        "provision_id": provision_id, **row, "sentence": text[start:end],
                        "char_start": start, "char_end": end})
    return out


def build_targets(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Return the targets table of all documents: registered columns, sorted by target_id.

    Inputs: documents (doc_id, kind, date, text), provisions (doc_id, provision_id, level, char_start,
    char_end; label if present). Output: targets (each sentence's provision by policykit.analysis.locate's rule).
    """
    require(documents, ("doc_id", "kind", "date", "text"), "documents")
    require(provisions, ("doc_id", "provision_id", "level", "char_start", "char_end"), "provisions")
    by_doc = {doc_id: group for doc_id, group in provisions.groupby("doc_id", sort=True)}
    rows: list[dict] = []
    for doc in documents.sort_values("doc_id").itertuples(index=False):
        doc_provisions = by_doc.get(doc.doc_id)
        if doc_provisions is None:
            raise InputError("table provisions", f"document {doc.doc_id} has no provisions")
        rows.extend(extract_targets(doc.doc_id, doc.kind, doc.date, doc.text, doc_provisions,
                                    lower_bound=getattr(doc, "date_lower_bound", None)))
    columns = table("targets").columns
    df = pd.DataFrame(rows, columns=columns)
    return df.sort_values("target_id", kind="mergesort").reset_index(drop=True)
