"""Clauses and actors of the statements stage: where a sentence's clauses are and which body a clause names.

The rules follow docs/codebook-statements.md §4 (the actor is the body named as the grammatical subject of the head
predicate); policykit.analysis.statements uses them to find the head predicate and its actor.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .statement_words import CASE_MARKERS, NOT_A_BODY_RE, patterns

CONDITION_END_RE = re.compile(r"(?:的|时|后|中|下|期间|前提下|基础上|过程中)$")
# after an actor phrase that opens a clause, what follows is its verb, not more of its name (人代工委 …)
HAN_ACTOR_TAIL = re.compile(r"[的和及与、]")
# a conjunction, preposition, adverb or verb opens no body (或者指使…, 使他人…, 在经济…, 请求有关机关…)
NOT_A_START = re.compile(r"或|但|并|且|亦|即|与|如果|是指|是否|一般|非法|请求|建议|要求|拒绝|向|使|报(?!社)"
                         r"|在(?!线)|自(?![然治])|[按参依]照|依据|根据|基于|通过|围绕|面向|针对")
CONJUNCTIONS = frozenset({"但", "但是", "并", "并且", "且", "而", "也", "同时"})
CLAUSE_MARKS_RE = re.compile(r"[（(“《）)”》，,；;：:]")


@lru_cache(maxsize=4096)
def clause_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the clauses of a sentence (split at ，；： outside brackets and quotes)."""
    spans, start, depth = [], 0, 0
    for m in CLAUSE_MARKS_RE.finditer(text):
        ch = m.group()
        if ch in "（(“《":
            depth += 1
        elif ch in "）)”》":
            depth = max(0, depth - 1)
        elif depth == 0:
            spans.append((start, m.start()))
            start = m.end()
    spans.append((start, len(text)))
    return tuple((s, e) for s, e in spans if e > s)


def skip_adverbs(masked: str, pos: int, end: int) -> tuple[int, bool]:
    """Position after the manner adverbs at pos, and whether one of them is cautious (稳妥, 审慎)."""
    p = patterns()
    cautious = p.cautious
    careful = False
    while pos < end:
        m = p.adverbs.match(masked, pos, end)
        c = cautious.match(masked, pos, end)
        if c:
            careful, pos = True, c.end()
        elif m and m.end() > pos:
            pos = m.end()
        else:
            break
    return pos, careful


def head_at(masked: str, pos: int, end: int) -> str | None:
    """The head word starting exactly at pos (longest), if any."""
    m = patterns().head.match(masked, pos, end)
    return m.group() if m else None


def first_mid_head(masked: str, pos: int, end: int) -> re.Match | None:
    """The first head word in [pos, end) that may stand mid-clause, the longest at its place (处理, not 处)."""
    p = patterns()
    m = p.head_mid.search(masked, pos, end)
    while m and m.start() > 0 and masked[m.start() - 1] == "本":  # 参照本通知规定负责: 本通知 names a document
        m = p.head_mid.search(masked, m.end(), end)
    longer = p.head.match(masked, m.start(), end) if m else None
    return longer if longer and longer.end() > m.end() else m


@lru_cache(maxsize=8192)
def is_actor(masked: str, start: int, stop: int) -> bool:
    """Whether masked[start:stop] names a body: actor words only, no body followed by a verb inside it.

    授权主体指导运营机构 is a body, a verb and its object, not a body: a head verb right after an actor word.
    """
    p = patterns()
    # 鼓励社会保险企业, 大力培育…企业: a verb (after adverbs) and its object; 授权主体: a body
    verb = p.head.match(masked, skip_adverbs(masked, start, stop)[0] if p.adverbs.match(masked, start, stop) else start,
                        stop)
    if stop <= start or masked[start] in "把对以将为不" or NOT_A_BODY_RE.match(masked, start) \
            or NOT_A_START.match(masked, start) \
            or (verb and not p.actor_end.match(masked, verb.end(), stop)) or not p.actor.fullmatch(masked, start, stop):
        return False
    return not any(p.head_mid.match(masked, m.end(), stop) or CASE_MARKERS.match(masked, m.end(), stop)
                   for m in p.actor_end.finditer(masked, start, stop))


def actor_then_head(text: str, masked: str, pos: int, end: int) -> tuple[str, int, re.Match | None] | None:
    """An actor phrase at pos followed by the head (maybe after adverbs or a prepositional phrase)."""
    p = patterns()
    ends = sorted({m.end() for m in p.actor_end.finditer(masked, pos, min(end, pos + 60))}, reverse=True)
    for stop in ends:  # the cheap tests after the phrase first, the actor pattern last
        after, _careful = skip_adverbs(masked, stop, end)
        word = p.head.match(masked, after, end)
        if word is None and p.preposition.match(masked, after, end) and not masked.startswith("由", after):
            word = first_mid_head(masked, after + 1, end)
            after = word.start() if word else after
        if word and is_actor(masked, pos, stop):
            return text[pos:stop], after, word
    return None


def actor_lead(text: str, masked: str, start: int, end: int) -> str | None:
    """The actor of a clause that is an actor and a prepositional phrase only (各地区各部门按照职责分工，…)."""
    p = patterns()
    for stop in sorted({m.end() for m in p.actor_end.finditer(masked, start, min(end, start + 60))}, reverse=True):
        if p.preposition.match(masked, stop, end) and not first_mid_head(masked, stop + 1, end) \
                and is_actor(masked, start, stop):
            return text[start:stop]
    return None


def actor_before(text: str, masked: str, pos: int) -> str | None:
    """The actor named before a deontic word at pos (申请人应当…; 被询问人确认笔录无误后，应当…)."""
    p = patterns()
    spans = clause_spans(text)
    index = max((i for i, c in enumerate(spans) if c[0] <= pos), default=0)
    start = spans[index][0]
    segment = p.trailing_adverbs.sub("", masked[start:pos])
    if segment.strip() in CONJUNCTIONS:  # …，但须…: the subject is that of the clauses before
        segment = ""
    lead = len(segment) - len(segment.lstrip())
    if segment.strip():
        stop = start + len(segment)  # 申请人应当…; 人民法院审理再审案件应当…: the body opening the subject clause
        return text[start + lead:stop] if is_actor(masked, start + lead, stop) else \
            opening_actor(text, masked, start + lead, stop)
    for s, e in reversed(spans[:index]):  # 应当 opens its clause: the clause before, or the body opening a condition
        lead = len(masked[s:e]) - len(masked[s:e].lstrip())
        if is_actor(masked, s + lead, e) or relative_actor(masked, s + lead, e):
            return text[s + lead:e]
        found = opening_actor(text, masked, s + lead, e)
        if found or not (CONDITION_END_RE.search(text[s:e]) or NOT_A_BODY_RE.match(masked, s + lead)):
            return found  # X收到申请，经审查认为…的，应当…: back over the conditions to X
    return None


def relative_actor(masked: str, start: int, stop: int) -> bool:
    """Whether masked[start:stop] is a body with relative clauses (…设立的金融机构和…应当履行…义务的特定非金融机构)."""
    last = masked.rfind("的", start, stop)
    # 负责侦查的部门: a body named by its duty
    return last > start and is_actor(masked, last + 1, stop) and head_at(masked, start, stop) in (None, "负责") \
        and not NOT_A_BODY_RE.match(masked, start) and masked[start] not in "或但并且报" \
        and masked[start] not in "把对将为不"


def relative_body(masked: str, start: int, stop: int) -> bool:
    """A body with relative clauses and no prepositional phrase (X负责捕诉的部门; not X对Y的…, X在Y中…)."""
    p = patterns()
    return relative_actor(masked, start, stop) and not any(
        CASE_MARKERS.match(masked, m.end(), stop) or masked.startswith("的", m.end()) and CASE_MARKERS.match(
            masked, m.end() + 1, stop) for m in p.actor_end.finditer(masked, start, stop)) and not re.search(
        "的(?:对|向|在|从|将|把)", masked[start:stop])


def opening_actor(text: str, masked: str, start: int, end: int) -> str | None:
    """The body that opens a clause, followed by its verb (行政复议机关收到补正材料后 -> 行政复议机关)."""
    ends = sorted({m.end() for m in patterns().actor_end.finditer(masked, start, min(end, start + 60))}, reverse=True)
    for stop in ends:
        if not HAN_ACTOR_TAIL.match(masked, stop) and is_actor(masked, start, stop):
            return text[start:stop]
    return None
