"""Segmentation: word boundaries of tokenise.tokenize_spans against hand-segmented sentences.

Gold set ``segmentation.tsv`` (docs/codebook-terms.md, part 1): one row per sentence, ``segmented`` the
tokens by reading, separated by single spaces. Each sentence is tokenised on its own with
``tokenise.tokenize_spans(sentence, filtered=False)`` (jieba's segmentation never looks past a punctuation
mark or a line break, so a sentence segments as it does inside its document); whitespace tokens drop out
and offsets are counted in non-whitespace characters, the unit of the gold tokens.

Scores:

* ``overall / boundaries``: the word boundaries inside each sentence (a boundary is a position between
  two characters where a token ends);
* ``overall / words``: whole tokens (a token is right when both its ends are right, SIGHAN bakeoff style);
* ``domain terms / words``: gold tokens that are domain terms (the domain dictionary or the concepts list)
  against predicted tokens that are domain terms: did the dictionary keep its terms whole, and only those;
* ``general words / words``: every other token except punctuation, what plain jieba contributes.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import Section, Threshold, score_row, score_table

GOLD_FILE = "segmentation.tsv"
GOLD_COLUMNS = ("sent_id", "doc_id", "char_start", "char_end", "sentence", "segmented")
DOMAIN_F1 = 0.97


def read_gold(path: Path) -> pd.DataFrame:
    """The gold sentences; InputError for a missing column or tokens that do not spell the sentence."""
    from policykit.errors import InputError

    try:
        gold = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    except OSError as exc:
        raise InputError(path, f"cannot read gold set ({exc.strerror})") from None
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise InputError(path, f"missing columns {missing}")
    for r in gold.itertuples():
        if r.segmented.replace(" ", "") != "".join(r.sentence.split()):
            raise InputError(path, f"{r.sent_id}: the segmented tokens do not spell the sentence")
    return gold


def _spans(tokens: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, token) of consecutive tokens, in non-whitespace characters."""
    out, pos = [], 0
    for tok in tokens:
        out.append((pos, pos + len(tok), tok))
        pos += len(tok)
    return out


def predicted_tokens(sentence: str) -> list[str]:
    """The library's tokens of a sentence, whitespace dropped (whitespace inside a token removed)."""
    from policykit.analysis.tokenise import tokenize_spans

    return ["".join(t.split()) for t, _, _ in tokenize_spans(sentence, filtered=False) if t.strip()]


def _is_punct(token: str) -> bool:
    """Whether a token is punctuation or symbols only."""
    return all(unicodedata.category(ch)[0] in "PS" for ch in token)


def domain_vocabulary() -> frozenset[str]:
    """The domain terms scored on their own: the domain dictionary and the concept names."""
    from policykit.analysis.concepts import concepts
    from policykit.analysis.vocabulary import domain_terms

    return frozenset(domain_terms()) | {c.concept for c in concepts()}


def miss_kind(gold_token: str, predicted: list[str]) -> str:
    """Why a gold word was not predicted whole: joined into a longer word, split, or a quantity."""
    if any(ch.isdigit() for ch in gold_token):
        return "number or date split from its unit"
    if len(predicted) == 1:
        return "inside a longer word (jieba's compounds, e.g. 实施方案, 建立健全)"
    if all(len(t) == 1 for t in predicted):
        return "cut into single characters (words missing from jieba's dictionary)"
    return "split into shorter words"


def _boundaries(spans: list[tuple[int, int, str]]) -> set[int]:
    """Positions inside the sentence where a token ends."""
    return {e for _, e, _ in spans[:-1]}


def evaluate(data_dir: Path, gold_dir: Path) -> Section:
    """Score tokenize_spans against the hand-segmented sentences (data_dir is not needed: text is in the gold)."""
    gold = read_gold(Path(gold_dir) / GOLD_FILE)
    domain = domain_vocabulary()
    counts = {k: [0, 0, 0] for k in ("boundaries", "words", "domain", "general")}  # tp, fp, fn
    misses = []
    general_misses: Counter[str] = Counter()

    def tally(key: str, g: set, p: set) -> None:
        counts[key][0] += len(g & p)
        counts[key][1] += len(p - g)
        counts[key][2] += len(g - p)

    for r in gold.itertuples():
        g = _spans(r.segmented.split(" "))
        p = _spans(predicted_tokens(r.sentence))
        tally("boundaries", _boundaries(g), _boundaries(p))
        tally("words", {s[:2] for s in g}, {s[:2] for s in p})
        for key, keep in (("domain", lambda t: t in domain),
                          ("general", lambda t: t not in domain and not _is_punct(t))):
            gk = {s[:2] for s in g if keep(s[2])}
            pk = {s[:2] for s in p if keep(s[2])}
            tally(key, gk, pk)
            if key == "general":
                for a, b in gk - pk:
                    general_misses[miss_kind(r.segmented.replace(" ", "")[a:b],
                                             [t for s, e, t in p if s < b and e > a])] += 1
            if key == "domain":
                p_at = {s[:2]: s[2] for s in p}
                g_at = {s[:2]: s[2] for s in g}
                for a, b in sorted(gk - pk):
                    got = " ".join(t for s, e, t in p if s < b and e > a)
                    misses.append({"sent_id": r.sent_id, "kind": "domain term split or joined",
                                   "gold": g_at[(a, b)], "predicted": got})
                for a, b in sorted(pk - gk):
                    want = " ".join(t for s, e, t in g if s < b and e > a)
                    misses.append({"sent_id": r.sent_id, "kind": "domain term where gold differs",
                                   "gold": want, "predicted": p_at[(a, b)]})
    scores = score_table([
        score_row("overall", "boundaries", *counts["boundaries"]),
        score_row("overall", "words", *counts["words"]),
        score_row("domain terms", "words", *counts["domain"]),
        score_row("general words", "words", *counts["general"]),
    ])
    notes = [f"{len(gold)} sentences from {gold['doc_id'].nunique()} documents, segmented by reading with "
             "docs/codebook-terms.md; tokens of "
             "`policykit.analysis.tokenise.tokenize_spans(sentence, filtered=False)`.",
             f"Domain terms: gold or predicted tokens in the domain dictionary or the concepts list "
             f"({len(domain)} entries); general words: every other token except punctuation."]
    n_general = sum(general_misses.values())
    if n_general:
        parts = ", ".join(f"{kind} {n} ({n / n_general:.0%})" for kind, n in general_misses.most_common())
        notes.append(f"General words missed ({n_general}): {parts}. The sample follows the PKU segmentation "
                     "standard, which is finer-grained than jieba's dictionary.")
    return Section("segmentation", "Word segmentation (terms)", scores, gold_file=f"data/gold/{GOLD_FILE}",
                   details=pd.DataFrame(misses, columns=["sent_id", "kind", "gold", "predicted"]), notes=notes,
                   thresholds=[Threshold("domain terms", "words", "f1", DOMAIN_F1)])
