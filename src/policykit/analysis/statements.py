"""Statements stage: how strong each commitment of a provision is, and which policy instrument it uses.

The rows follow the codebook of the gold set (docs/codebook-statements.md); `policykit evaluate --task
statements` scores them (policykit.evaluation.statements).

Units (codebook §1): every sentence (policykit.ingest.structure.split_sentences: ends at 。！？； and line
breaks) of the own text of a provision below the preamble (level ≥ 1, numbered or not), the heading line of
a provision with a heading excepted; an article label (第X条) is cut from the start of its first sentence.

Codes, by rules and the word lists of policykit.analysis.statement_words (resources/statement_words.tsv and
resources/statement_instruments.tsv, each word with its reason):
- strength: 4 when a deontic word (应当, 不得 …) is the modal of any clause (S1); 0 for facts, significance,
  definitions, scope, slogans and fragments (S2); 3 for a dated target (到2027年，…, S3); else the head
  predicate decides (S4): the first verb of the main clause after fronted adverbials and conditions
  (在…前提下, 对…的, 围绕…, 以…为…) and the named actor — 2 for 鼓励/支持/引导/可, 1 for 探索/研究/试点 and for
  a pilot as the head's object or a 稳妥/审慎 manner, 3 for any other action verb; none found: 0.
- modal: the word that set the strength, as written (the deadline phrase for a dated target).
- instrument (§3): `none` for strength 0; environment for a prohibition (I7); else the words of the head's
  clause: an explicit sub-tool first (政府采购, 中央预算内投资, 信贷 …, also in the party encouraged), else the
  last instrument word of the clause (the head noun of the object: 建立…登记制度 -> 制度); a goal (提升…能力)
  takes the means clause after it (I8); a clause without tool words is demand when the sentence goes on to
  apply data in a sector (融合, 应用, 场景 …), else takes an explicit sub-tool later in the sentence, else
  environment.
- actor (§4, clauses and bodies in policykit.analysis.statement_actors): the body named as the subject of the head
  (行业主管部门要…, 由X负责, 由X对Y给予…, 应当由X进行, 由X指定的中级人民法院管辖), else the body opening the
  clauses before a modal that opens its clause (有关地方和部门开展…的，应…; 人民法院根据…，可以…; X收到…，经审查…的，
  应当…) or of a time clause (X收到…后，…); a 由X clause after a case clause is the main clause, and so is a clause
  opening with 由X or a modal after a topic without a verb (…财产，由清算组予以收回); blank when the issuing authority
  speaks in the imperative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from policykit.schema import require, table

from .statement_actors import (
    CONDITION_END_RE,
    actor_before,
    actor_lead,
    actor_then_head,
    clause_spans,
    first_mid_head,
    head_at,
    is_actor,
    opening_actor,
    relative_body,
    skip_adverbs,
)
from .statement_words import (
    ALSO_ENCOURAGED_RE,
    CASE_MARKERS,
    DATA_USE_RE,
    ENCOURAGED_OBJECT_HEADS,
    EXPLANATION,
    GOAL_OBJECT_RE,
    HAN,
    MODAL_HEADS,
    NOT_A_BODY_RE,
    PILOT_HEADS,
    PROHIBITIONS,
    SANCTION_HEADS,
    actor_last_chars,
    lexicon,
    patterns,
    strength_of,
)
from .statement_words import mask as _mask

STRENGTH_NAMES = ("descriptive", "exploratory", "encouraging", "directive", "mandatory")

ITEM_LABEL_RE = re.compile(r"^[（(][一二三四五六七八九十\d]{1,3}[）)]\s*")
ARTICLE_LABEL_RE = re.compile(r"^第[〇零一二两三四五六七八九十百千\d]+条$")
DATED_TARGET_RE = re.compile(r"^(?:[^，。：]{0,10}[：:])?((?:到|至)\d{4}年(?:[底末]|\d{1,2}月(?:底)?)?(?:前)?)[，,]")
FRAME_RE = re.compile(r"^在[^，。；]{1,60}?(?:前提下|基础上|过程中)")  # 在…前提下 inside the main clause
# a clause followed by one opening with a modal is a topic or condition of it (促进…发展，要…; 调查…，可以询问…)
TOPIC_MODALS = ("要", "需要", "可以", "可")
PARENTHESIS_RE = re.compile(r"[（(][^（）()]*[）)]")
ENTRY_INTO_FORCE_RE = re.compile(r"本(?:法|条例|规定|办法|细则|决定|规则|解释|通知)[^，。；]{0,30}?起(?:施行|生效)。?$")
# adverbs that exhort (大力, 充分 …): the verb after them is a directive head even outside the word lists
EXHORTATIONS = re.compile("大力|充分|积极|切实|着力|全面|进一步|持续|不断|深入|加快")
DATA_SHARE_RE = re.compile(r"(?:共享|整合|汇聚)[^，。；]*数据|数据[^，。；]*(?:共享|整合)")
TECHNOLOGY_USE_RE = re.compile(r"技术[^，。；场]{0,6}?(?:攻关|研发)[^，。；场]{0,6}?应用")
RELATIVE_MODAL_RE = re.compile(r"可以|可(?=[\u4e00-\u9fff])|需要|要")
ENCOURAGING = frozenset({"支持", "支撑"})
SHORT_CLAUSE = 6  # a clause of at most this many characters without a head verb is a condition of the next
SLOGAN_CLAUSE = 4  # a principle slogan: two or more clauses of at most this many characters (需求牵引，注重实效。)

@dataclass(frozen=True)
class Coding:
    """The codes of one statement."""

    strength: int
    modal: str | None
    instrument: str
    actor: str | None


DESCRIPTIVE = Coding(0, None, "none", None)


@dataclass(frozen=True)
class _Head:
    """The head predicate found: its word, where it is, the strength it sets and the actor before it."""

    word: str
    start: int
    clause_end: int
    strength: int
    actor: str | None


def _adverb_head(masked: str, start: int, end: int) -> bool:
    """Whether a clause holds a manner adverb followed by a head word (围绕…有序开展试点: the head is there)."""
    p = patterns()
    return any(p.head.match(masked, m.end(), end) for m in p.adverbs.finditer(masked, start, end))


def _skip_clause(text: str, masked: str, clauses: tuple[tuple[int, int], ...], i: int) -> tuple[bool, str | None]:
    """Whether clause i is a fronted adverbial, condition or topic before the main clause, and an actor it names."""
    p = patterns()
    s, e = clauses[i]
    clause = text[s:e].strip()
    nxt, _ = skip_adverbs(masked, *clauses[i + 1])
    if masked.startswith(TOPIC_MODALS, nxt) and not masked.startswith("由", s):  # 促进数据产业发展，要…: a topic
        bare = PARENTHESIS_RE.sub("", clause).strip()
        if p.actor.fullmatch(_mask(bare)):
            return True, bare
        # 最高人民法院根据实际情况，可以…: the body opening the clause is the modal's subject; 促进…发展，要…: none
        return True, opening_actor(text, masked, s, e)
    if clause.startswith("以"):  # 以…为指导，: fronted; 以科学数据支撑…: the head is in the clause
        return "为" in clause, None
    if (p.fronted.match(clause) and not _adverb_head(masked, s, e)) or NOT_A_BODY_RE.match(masked, s):  # 经…批准，
        return True, None
    lead = actor_lead(text, masked, s, e)
    if lead is not None:
        return True, lead
    if masked[e - 1] in actor_last_chars() and is_actor(masked, s, e):  # 区人民政府，依照…负责…: the subject
        return True, text[s:e]
    if CONDITION_END_RE.search(clause):
        if head_at(masked, skip_adverbs(masked, s, e)[0], e) is None:
            found = actor_then_head(text, masked, s, e)
            if found or clause.endswith("的"):  # …人员…工作的，按照…办理: the subject of a case is not the actor
                return True, (found[0] if found and not clause.endswith("的") else None)
            return True, opening_actor(text, masked, s, e)  # 行政复议机关收到补正材料后，…处理
        return clause.endswith("的"), None
    return False, None


def _agent(text: str, masked: str, start: int, end: int) -> _Head | None:
    """A 由X… agent in the main clause (由当地人民政府给予补偿, 具体办法由…制定): X acts, the verb after it is the head.

    Where the verb is not in the word lists (由…颁发, 由…使用) its first two characters are taken: in a law
    a 由X phrase is followed by the verb of the clause.
    """
    p = patterns()
    at = start
    while (at := masked.find("由", at, end) + 1) > 0:
        for stop in sorted({a.end() for a in p.actor_end.finditer(masked, at, min(end, at + 60))}, reverse=True):
            if not (is_actor(masked, at, stop) or relative_body(masked, at, stop)):  # 由X指定的中级人民法院管辖
                continue
            after, _careful = skip_adverbs(masked, stop, end)
            word = p.head.match(masked, after, end)
            if word:
                return _Head(word.group(), after, end, strength_of(word.group()), text[at:stop])
            # 由X对当事人给予警告, 由X以口头方式提出: the verb after the prepositional phrase
            if CASE_MARKERS.match(masked, after, end) or p.preposition.match(masked, after, end):
                found = first_mid_head(masked, after + 1, end)
                if found:
                    return _Head(found.group(), found.start(), end, strength_of(found.group()), text[at:stop])
            verb = text[after:after + 2]
            if len(HAN.findall(verb)) == 2 and not p.preposition.match(masked, after, end):
                return _Head(verb, after, end, 3, text[at:stop])
    return None


def _deontic_agent(text: str, masked: str, pos: int) -> str | None:
    """The agent X of a deontic word followed by 由X (…，应当由检察人员负责进行: X is the actor)."""
    if not masked.startswith("由", pos):
        return None
    end = next((e for s, e in clause_spans(text) if e > pos), len(text))
    if text[end - 1] == "的":  # 应当由X批准的，…: a case, not the main clause
        return None
    agent = _agent(text, masked, pos, end)
    return agent.actor if agent else None


def _find_head(text: str) -> _Head | None:
    """The head predicate of a sentence (codebook S4), with its actor."""
    masked = _mask(text)
    clauses = clause_spans(text)
    condition_actor = None
    i = 0
    while i < len(clauses) - 1:
        skip, actor = _skip_clause(text, masked, clauses, i)
        if not skip:
            break
        condition_actor = actor or condition_actor
        i += 1
    for j in range(i + 1, len(clauses)):  # …的单位，未按照规定…处置的，由X责令改正: the 由X clause is the main one
        if masked.startswith("由", clauses[j][0]) and text[clauses[j - 1][1] - 1] == "的":
            agent = _agent(text, masked, *clauses[j])
            if agent is not None and masked.startswith("由", agent.start - len(agent.actor or "") - 1):
                return agent
    for s, e in clauses[i:]:  # a short clause without a verb of the word lists (拒不改正，…的，处以罚款): the next one
        head = _clause_head(text, masked, s, e)
        if head is not None or e - s > SHORT_CLAUSE:
            break
    if head is None:  # a topic or case without a verb (…财产，由清算组予以收回; …，并…的，可以…): the modal clause
        head = _case_main(text, masked, clauses, i)
    if head is None:
        return None
    if head.actor is None and head.word not in SANCTION_HEADS:  # …收受财物的，给予警告: the offender does not act
        return _Head(head.word, head.start, head.clause_end, head.strength, condition_actor)
    return head


def _actor_modal(text: str, masked: str, pos: int, end: int) -> bool:
    """Whether a clause opens with a body and its modal (…，人民法院可以…), not a report (…，X发布了…)."""
    found = actor_then_head(text, masked, pos, end)
    return found is not None and found[2] is not None and found[2].group() in MODAL_HEADS


def _case_main(text: str, masked: str, clauses: tuple[tuple[int, int], ...], i: int) -> _Head | None:
    """The head of the next clause opening with 由X, a modal, or a body and its modal (a verb after a case …的).

    …财产，由清算组予以收回; …，并…的，可以…; 除…外，人民法院可以…; …，确需收费的，实行政府指导定价管理.
    """
    for j in range(i + 1, len(clauses)):
        s, e = clauses[j]
        pos = skip_adverbs(masked, s, e)[0]
        case = text[clauses[j - 1][1] - 1] == "的"
        if (j == i + 1 or case) and (masked.startswith((*TOPIC_MODALS, "由"), pos) or _actor_modal(text, masked, pos, e)
                                     or case and head_at(masked, pos, e)):
            return _clause_head(text, masked, s, e)
    return None


def _clause_head(text: str, masked: str, s: int, e: int) -> _Head | None:
    """The head predicate of the main clause text[s:e], with the actor before it."""
    agent = _agent(text, masked, s, e)
    if agent is not None:
        return agent
    frame = FRAME_RE.match(masked, s, e)
    pos, careful = skip_adverbs(masked, frame.end() if frame else s, e)
    subject = _relative_subject(text, masked, pos, e)
    if subject is not None:
        return subject
    word = head_at(masked, pos, e)
    actor = None
    if word is None:
        found = actor_then_head(text, masked, pos, e)
        if found is None and masked.startswith("由", pos):  # 由X负责: X is the actor
            found = actor_then_head(text, masked, pos + 1, e)
        if found:
            actor, pos, word = found[0], found[1], found[2].group()
        else:
            m = first_mid_head(masked, pos, e)
            if m is None:
                return _adverb_verb(text, masked, s, pos, e, careful)
            word, pos = m.group(), m.start()
    if word in ENCOURAGING and masked.startswith("以", s):  # 以科学数据支持大模型开发: a main verb, not encouraging
        return _Head(word, pos, e, 3, actor)
    return _Head(word, pos, e, 1 if careful else strength_of(word), actor)


def _relative_subject(text: str, masked: str, pos: int, e: int) -> _Head | None:
    """A body with a relative clause and its modal (承担数据运营职责的事业单位可…): the modal is the head."""
    if masked.find("的", pos, e) < 0:
        return None
    modal = RELATIVE_MODAL_RE.search(masked, pos, e)
    last = masked.rfind("的", pos, modal.start()) if modal else -1
    if last <= pos or masked[modal.start() - 1] == "所" or not is_actor(masked, last + 1, modal.start()):
        return None
    return _Head(modal.group(), modal.start(), e, strength_of(modal.group()), text[pos:modal.start()])


def _adverb_verb(text: str, masked: str, s: int, pos: int, e: int, careful: bool) -> _Head | None:
    """A verb outside the word lists after a manner adverb (审慎对待…: 1, 审慎; 充分考虑…: 3, 考虑)."""
    lead = patterns().preposition.match(masked, pos)  # 按照…: no verb; 对待: a verb
    if not (careful or EXHORTATIONS.search(masked, s, pos)) or pos + 2 > e or masked.startswith("的", pos) \
            or len(HAN.findall(masked[pos:pos + 2])) < 2 or lead and len(lead.group()) > 1 \
            or masked.startswith("了", pos + 2):  # 进一步突出了…: a report
        return None
    if careful:
        cautious = patterns().cautious.search(masked, s, pos)
        return _Head(text[cautious.start():cautious.end()], cautious.start(), e, 1, None)
    return _Head(text[pos:pos + 2], pos, e, 3, None)


@lru_cache(maxsize=1)
def _instrument_kinds() -> dict[str, tuple[str, int]]:
    """Instrument word -> (instrument, tier)."""
    return {w: (i, t) for w, i, t in lexicon().instruments}


def _object_span(text: str, head: _Head | None, start: int | None) -> tuple[int, int]:
    """Where the head's object is: from the head (past an encouraged party) to the end of its clause."""
    p = patterns()
    begin = head.start if head else (start or 0)
    end = head.clause_end if head else len(text)
    if head and head.word in MODAL_HEADS and not p.instrument.search(text, begin, end):
        end = next((e for s, e in clause_spans(text) if s > end), end)
    if head and head.word in ENCOURAGED_OBJECT_HEADS:  # 鼓励 X 做 Y: Y is what is coded
        masked = _mask(text)
        obj = ALSO_ENCOURAGED_RE.match(masked, begin + len(head.word), end).end()  # 支持、鼓励X…
        m = p.actor.match(masked, obj, end)
        if m and m.end() < end:
            begin = m.end()
        elif m:  # 鼓励、支持企业事业组织、社会团体和个人，通过多种途径，投资…: Y is in the clauses after X
            begin, end = m.end(), len(text)
    return begin, end


def _means(text: str, end: int) -> str | None:
    """The instrument of the clause after a goal (提升…抗风险能力，支持…数据融合: the means decide)."""
    means = next(((s, e) for s, e in clause_spans(text) if s > end), None)
    if means is None:
        return None
    if DATA_USE_RE.search(text, *means) or DATA_SHARE_RE.search(text, *means):  # data shared to reach a sector's goal
        return "demand"
    head = _find_head(text[means[0]:])  # found in the rest of the sentence: offsets shifted into the whole
    head = head and replace(head, start=head.start + means[0], clause_end=head.clause_end + means[0])
    return _instrument(text, head, means[0])


def _instrument(text: str, head: _Head | None, start: int | None = None) -> str:
    """The policy instrument of the head's clause (codebook §3)."""
    p = patterns()
    begin, end = _object_span(text, head, start)
    goal = GOAL_OBJECT_RE.search(text, begin, end) if head else None
    if goal:  # 提升…能力, 培育…新业态: a goal; the means after it decide
        means = _means(text, end)
        if means is not None:
            return means
        if not goal.group().startswith("新") and not p.instrument.search(text, begin, end):
            return "demand"  # 提升行政执行能力。: the public sector's capability raised
    kinds = _instrument_kinds()
    found = [(kinds[m.group()][1], m.start(), kinds[m.group()][0]) for m in p.instrument.finditer(text, begin, end)]
    # an explicit tool may be the party encouraged (鼓励各类金融机构…: finance)
    explicit = sorted(f for f in found if f[0] == 1) or [
        (1, m.start(), kinds[m.group()][0]) for m in p.instrument.finditer(text, head.start if head else begin, begin)
        if kinds[m.group()][1] == 1]
    if explicit:
        return explicit[0][2]
    if head and kinds.get(head.word, ("", -1))[1] == 0:  # a head verb whose tool the codebook names
        return kinds[head.word][0]
    # 技术攻关应用, 技术研发和应用推广: technology developed and applied is technology (supply), not data applied
    tech = TECHNOLOGY_USE_RE.search(text, begin, end)
    strong = [f for f in found if f[0] == 2 and not (tech and f[2] == "demand" and f[1] >= tech.start())] + (
        [(2, tech.end(), "supply")] if tech else [])
    if strong:  # the last word of the object is the head noun of the phrase (建立[…资源登记]制度 -> 制度)
        return max(strong, key=lambda f: f[1])[2]
    if DATA_USE_RE.search(text, end):  # 提升…效能，推进…数据融合: data used in a sector
        return "demand"
    # a clause naming no tool (加大…扶持力度，由政府出资建立…): an explicit one later in the sentence
    later = [] if found else [kinds[m.group()][0] for m in p.instrument.finditer(text, end) if kinds[m.group()][1] == 1]
    weak = [f for f in found if f[0] == 3]
    return later[0] if later else max(weak, key=lambda f: f[1])[2] if weak else "environment"


def _descriptive(text: str) -> bool:
    """Whether a sentence makes no commitment by its form: fragment, slogan, fact, significance, definition."""
    if not HAN.search(text[:1] or "x") and not text[:1].isalnum():
        return True
    if text.startswith(("的", "等")) or len(HAN.findall(text)) < 2 or re.search(r"(?:[\u4e00-\u9fff] ){2}", text):
        return True
    clauses = [text[s:e].strip("。！？；;!? ") for s, e in clause_spans(text)]
    if len(clauses) >= 2 and all(len(c) <= SLOGAN_CLAUSE for c in clauses):
        return True
    if text.rstrip().endswith(("是：", "是:")) or ENTRY_INTO_FORCE_RE.match(text):  # a definition; 本法自…起施行
        return True
    return patterns().descriptive.search(text) is not None  # unmasked: 具有重要意义 holds the masked 重要


@lru_cache(maxsize=16384)  # laws repeat their sanctions and items word for word
def classify(sentence: str) -> Coding:
    """The codes of one statement: strength, modal, instrument and actor (docs/codebook-statements.md)."""
    text = sentence.strip()
    item = ITEM_LABEL_RE.match(text)  # a law's numbered item (（四）…有权…) is coded on its words
    if item and item.end() < len(text):
        return classify(text[item.end():])
    masked = _mask(text)
    deontic = patterns().deontic.search(masked)
    if deontic:
        # the first deontic word may sit in the actor phrase (…应当履行反洗钱义务的特定非金融机构，应当…)
        actor = next((a for m in patterns().deontic.finditer(masked)
                      if (a := _deontic_agent(text, masked, m.end()) or actor_before(text, masked, m.start()))), None)
        modal = text[deontic.start():deontic.end()]
        # a prohibition (不得, 禁止, 不予 …) regulates: environment whatever it forbids (codebook I6)
        head = None if actor and modal in PROHIBITIONS else _find_head(text)  # the head only where it is needed
        instrument = "environment" if modal in PROHIBITIONS else _instrument(text, head, deontic.start())
        return Coding(4, modal, instrument, actor or (head.actor if head else None))
    if _descriptive(text):
        return Coding(0, None, "none", None)
    dated = DATED_TARGET_RE.match(text)
    if dated:
        return Coding(3, dated.group(1), "environment", None)
    head = _find_head(text)
    if head is None:
        return Coding(0, None, "none", None)
    strength, modal = head.strength, head.word
    if head.word in PILOT_HEADS and "试点" in text[head.start:head.clause_end]:
        strength, modal = 1, "试点"
    return Coding(strength, modal, _instrument(text, head), head.actor)


def statement_spans(text: str, provision_text_start: int, label: str, heading: str | None) -> list[tuple[int, int]]:
    """Offsets (into the document) of the statements of one provision's own text (codebook §1)."""
    from policykit.ingest.structure import split_sentences

    spans = split_sentences(text)
    if heading:
        spans = spans[1:]
    out = []
    for n, (s, e) in enumerate(spans):
        if n == 0 and not heading and ARTICLE_LABEL_RE.match(label) and text.startswith(label, s):
            s += len(label)
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            out.append((provision_text_start + s, provision_text_start + e))
    return out


def extract_statements(doc_id: str, text: str, provisions: pd.DataFrame) -> list[dict]:
    """Statement rows of one document, statement_id doc_id:provision_id:n (n in order within the provision)."""
    rows = []
    for p in provisions[provisions["level"] >= 1].sort_values("char_start", kind="mergesort").itertuples(index=False):
        start, end = int(p.char_start), int(p.char_end)
        heading = p.heading if isinstance(p.heading, str) and p.heading else None
        label = p.label if isinstance(p.label, str) else ""
        explaining = False  # 实施…行动，就是要…；and the ；-parts that continue it explain, not commit (codebook S2)
        for n, (s, e) in enumerate(statement_spans(text[start:end], start, label, heading), start=1):
            sentence = text[s:e]
            code = DESCRIPTIVE if explaining else classify(sentence)
            explaining = sentence.rstrip().endswith(("；", ";")) and (explaining or EXPLANATION in sentence)
            rows.append({"statement_id": f"{doc_id}:{p.provision_id}:{n}", "doc_id": doc_id,
                         "provision_id": p.provision_id, "char_start": s, "char_end": e,
                         "actor": code.actor, "modal": code.modal, "strength": code.strength,
                         "strength_name": STRENGTH_NAMES[code.strength], "instrument": code.instrument,
                         "sentence": sentence})
    return rows


def build_statements(documents: pd.DataFrame, provisions: pd.DataFrame) -> pd.DataFrame:
    """Return the statements table of all documents: registered columns, sorted by document and offset."""
    require(documents, ("doc_id", "text"), "documents")
    require(provisions, ("doc_id", "provision_id", "level", "label", "heading", "char_start", "char_end"),
            "provisions")
    by_doc = dict(tuple(provisions.groupby("doc_id", sort=False)))
    rows: list[dict] = []
    for doc in documents.sort_values("doc_id").itertuples(index=False):
        doc_provisions = by_doc.get(doc.doc_id)
        if doc_provisions is not None:
            rows.extend(extract_statements(doc.doc_id, doc.text, doc_provisions))
    df = pd.DataFrame(rows, columns=table("statements").columns)
    return df.sort_values(["doc_id", "char_start"], kind="mergesort").reset_index(drop=True)
