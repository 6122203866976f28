"""Word lists of the statements stage (resources/statement_words.tsv, statement_instruments.tsv), compiled.

Words are looked up by hand-written longest-match scans rather than by a part-of-speech tagger: jieba's tagger
tags many policy verbs as nouns or adjectives (培育 vn, 平衡 a) and costs about 0.1 ms a call, which the law
corpus cannot afford.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policykit import config
from policykit.errors import InputError

WORDS_FILE = config.RESOURCES_DIR / "statement_words.tsv"
INSTRUMENTS_FILE = config.RESOURCES_DIR / "statement_instruments.tsv"
ROLES = ("deontic", "masked", "directive", "nominal", "encouraging", "exploratory", "cautious", "adverb", "fronted",
         "preposition", "descriptive", "actor_end")
HEAD_STRENGTH = {"deontic": 4, "directive": 3, "nominal": 3, "encouraging": 2, "exploratory": 1, "cautious": 1}
INSTRUMENTS = ("supply", "demand", "environment")
HAN = re.compile(r"[\u4e00-\u9fff]")
# levels of government listed before the body they share (省、自治区、直辖市人民政府)
LEVELS = "(?:省|自治区|直辖市|设区的市|市|区|县|自治州|自治县|乡|镇)"

# closed word classes the rules of policykit.analysis.statements name
NOT_A_BODY_RE = re.compile(r"未经|经(?![营济销纪理常])")  # 未经X同意, 经审批机构批准: a condition, not a body
# a preposition after an actor word ends the actor: the rest is the verb phrase (主管部门对当事人给予警告)
CASE_MARKERS = re.compile(r"对|向|在|将|把|从|为|按照|依照|依据|根据|参照|凭")
# a modal head (可, 要, 应 …) governs the verb phrase after it, which may run past the next comma
MODAL_HEADS = frozenset({"可", "可以", "要", "需要", "应", "应当", "须", "必须"})
EXPLANATION = "就是要"
PROHIBITIONS = frozenset({"不得", "不予", "严禁", "禁止", "不准", "不许", "不应", "不应当"})
SANCTION_HEADS = frozenset({"给予", "处", "处以", "责令", "没收", "吊销", "撤销", "追究", "予以"})
# a head whose object is a capacity or level to raise (提升…能力, 提高…水平) names a goal, not a tool (I8)
GOAL_OBJECT_RE = re.compile(r"(?:能力|水平|效能|效率|成效|实效|质量|韧性|竞争力|新业态|新模式|新产品)[。；;]?$")
ALSO_ENCOURAGED_RE = re.compile(r"(?:[、和与及](?:鼓励|支持|引导|扶持|倡导))*")
PILOT_HEADS = frozenset({"开展", "推进"})  # 开展…试点, 推进…试点: a pilot as the head's object (S4 -> 1)
ENCOURAGED_OBJECT_HEADS = frozenset({"鼓励", "支持", "引导", "倡导", "扶持", "允许", "推动"})  # X 做 Y: code Y
# a head clause without instrument words: data applied in a sector later in the sentence makes it demand (I3)
DATA_USE_RE = re.compile(r"融合|融通|打通|应用|赋能|场景|共享互认|共享共用|互联互通|(?<!开发)利用[^，。；]*数据")


@dataclass(frozen=True)
class Lexicon:
    """The word lists of the stage, by role, and the instrument words."""

    words: dict[str, frozenset[str]]  # role -> words
    instruments: tuple[tuple[str, str, int], ...]  # (word, instrument, tier)

    def role(self, role: str) -> frozenset[str]:
        """The words of one role."""
        return self.words.get(role, frozenset())


def _rows(path: Path, n: int) -> list[list[str]]:
    """The rows of a resource TSV (comments and header skipped), each of n cells, the last one a reason."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read resource file ({exc.strerror})") from None
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#") or line.startswith("word\t"):
            continue
        cells = line.split("\t")
        if len(cells) != n or not all(c.strip() for c in cells):
            raise InputError(path, f"line {number}: expected {n} tab-separated cells ending in a reason, got {line!r}")
        rows.append([c.strip() for c in cells])
    return rows


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The stage's word lists, read once from resources/."""
    words: dict[str, set[str]] = {}
    for word, role, _reason in _rows(WORDS_FILE, 3):
        if role not in ROLES:
            raise InputError(WORDS_FILE, f"unknown role {role!r} of {word!r}; roles: {', '.join(ROLES)}")
        words.setdefault(role, set()).add(word)
    instruments = []
    for word, instrument, tier, _reason in _rows(INSTRUMENTS_FILE, 4):
        if instrument not in INSTRUMENTS or not tier.isdigit():
            raise InputError(INSTRUMENTS_FILE, f"bad instrument row for {word!r}: {instrument!r}, tier {tier!r}")
        instruments.append((word, instrument, int(tier)))
    return Lexicon({r: frozenset(w) for r, w in words.items()}, tuple(instruments))


def _alternation(words: frozenset[str] | set[str]) -> str:
    """A regex matching any of the words, the longest at a place first (leftmost-longest matching).

    Written as a trie (部(?:门)?, not 部门|部): Python's re tries the branches of an alternation one by one at
    every place, so a flat list of hundreds of words is slow; no library of the project builds such patterns.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@dataclass(frozen=True)
class _Patterns:
    """The compiled patterns of the lexicon."""

    masked: re.Pattern
    deontic: re.Pattern
    head: re.Pattern  # any head word at a position
    head_mid: re.Pattern  # head words that may stand in the middle of a clause (not nominal)
    adverbs: re.Pattern
    trailing_adverbs: re.Pattern
    cautious: re.Pattern
    fronted: re.Pattern
    preposition: re.Pattern
    descriptive: re.Pattern
    actor: re.Pattern  # a whole actor phrase: chunks each ending in an actor word
    actor_end: re.Pattern
    instrument: re.Pattern


@lru_cache(maxsize=1)
def patterns() -> _Patterns:
    """The lexicon compiled into the patterns the rules use."""
    lex = lexicon()
    heads = {w for role in HEAD_STRENGTH for w in lex.role(role)}
    mid = heads - lex.role("nominal")
    modal_chars = "要应可须"
    # 人 ends a body (申请人) but not before 民 or 员 (人民政府, 人员); 所 (派出所) not in 所在, 所属, 所需 …;
    # 办 (食品办) not in 办理, 办法 …; 委 (省委) not in 委托; 部 (财政部) not in 部分; 局 not in 全局, 布局 …;
    # 组 (清算组, 领导小组) not in 组织, 组成 …
    guarded = {"人": "人(?![民员数身格事])", "所": "所(?![在属需得有称参列述涉指居提])",
               "办": "办(?![理法事公结好成案])", "委": "委(?![托派])", "部": "部(?![分位署])",
               "局": "(?<![全格布结大])局", "组": "组(?![织成建合])"}
    ends = "|".join([_alternation(lex.role("actor_end") - set(guarded)), *guarded.values()])
    chunk = rf"[^，。；：、,;:（）()“”{modal_chars}]{{0,40}}?(?:{ends})"
    # 证券、期货投资咨询机构: modifiers joined by 、 (not a label: 二、各地区)
    modifier = rf"(?![一二三四五六七八九十]+、)[^，。；：、,;:（）()“”{modal_chars}]{{2,8}}"
    return _Patterns(
        masked=re.compile(_alternation(lex.role("masked"))),
        # a one-character modal (应, 须) stands before the verb it governs: a Han character follows
        deontic=re.compile("|".join(re.escape(w) + ("" if len(w) > 1 else f"(?={HAN.pattern})")
                                    for w in sorted(lex.role("deontic"), key=lambda w: (-len(w), w)))),
        head=re.compile(_alternation(heads)),
        head_mid=re.compile(_alternation(mid)),
        adverbs=re.compile(rf"(?:{_alternation(lex.role('adverb'))})+"),
        cautious=re.compile(_alternation(lex.role("cautious"))),
        trailing_adverbs=re.compile(rf"(?:{_alternation(lex.role('adverb'))})+$"),
        fronted=re.compile(rf"(?:{_alternation(lex.role('fronted'))})"),
        preposition=re.compile(rf"(?:{_alternation(lex.role('preposition'))})"),
        descriptive=re.compile(_alternation(lex.role("descriptive"))),
        # bodies joined by 、和及与 or 或(者), or written one after another when each opens with 各 (各地区各部门)
        actor=re.compile(rf"(?:{LEVELS}[、和及])*(?:{modifier}、)*{chunk}(?:(?:[、和及与]|或者|或|(?=各))(?:{LEVELS}[、和及])*{chunk})*"),
        actor_end=re.compile(ends),
        instrument=re.compile(_alternation({w for w, _i, _t in lex.instruments})),
    )


@lru_cache(maxsize=4096)
def mask(text: str) -> str:
    """The text with masked words (供应, 要素, 可信 …) replaced by spaces of the same length."""
    return patterns().masked.sub(lambda m: "\u3000" * len(m.group()), text)


@lru_cache(maxsize=1)
def _strengths() -> dict[str, int]:
    """Head word -> the strength it sets (the highest of its roles)."""
    lex = lexicon()
    out: dict[str, int] = {}
    for role, strength in HEAD_STRENGTH.items():
        for word in lex.role(role):
            out[word] = max(strength, out.get(word, 0))
    return out


def strength_of(word: str) -> int:
    """The strength a head word sets."""
    return _strengths()[word]




@lru_cache(maxsize=1)
def actor_last_chars() -> frozenset[str]:
    """The characters an actor word ends with (a quick test before the actor pattern)."""
    return frozenset(w[-1] for w in lexicon().role("actor_end"))
