"""Target kinds: which kind of row (goal, metric, rule, forecast …) a dated or undated figure gives.

The classification is written as decision tables: ordered tuples of `Rule(name, condition, kind, reason)`,
evaluated first-match. A condition is a tuple of small named predicates over a `Case` (all must hold; an
empty tuple always holds). `kind` None means the case gives no row. The kinds are those of the registry
(schema: table("targets").values("kind")); `policykit.analysis.targets` does the extraction around these decisions.

- `DATED_RULES`: a date governs the clause (its role comes from policykit.analysis.targets_parse.find_anchors).
  "Past": a deadline in its own document's year is still ahead, except in a report; a plain date in a report
  or news item's own year is already known when it was written. Only reports and news predict: in a policy
  text 将达到 states a commitment.
- `UNDATED_RULES`: a quantity in a sentence with no date of its own nor inherited.
- `CYCLE_RULES`: 每年 / 每两年 with no calendar date.

`describe()` renders the tables as Markdown; docs/codebook.md shows them in its appendix (a test keeps it in step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from policykit.analysis.targets_parse import DURATION_UNITS
from policykit.schema import table

TARGET_KINDS = frozenset(table("targets").values("kind"))
# Documents whose undated caps, thresholds and cycles are rules (news and explainers only restate them).
# Every normative kind: policies, drafts, notices and the kinds of legal texts (judicial interpretations …);
# not reports, news, explainers or court cases, which only restate or apply rules.
RULE_DOC_KINDS = frozenset(table("documents").values("kind")) - {"report", "news", "interpretation", "case"}
RULE_UNITS = frozenset({"%", "％", "‰", "个百分点", "百分点"}) | DURATION_UNITS
PREDICTING_DOC_KINDS = frozenset({"report", "news"})


@dataclass(frozen=True)
class Case:
    """What a decision looks at: the date's role and year, the document's kind and year, the figure."""

    doc_kind: str
    role: str | None = None  # None: no date governs the figure
    year: int | None = None
    ref_year: int | None = None  # year the document speaks from (targets.reference_year)
    cue: bool = False  # the sentence holds a prediction cue (预计, 有望, 将达到 …)
    has_value: bool = False
    unit: str | None = None
    comparator: str | None = None
    consultation: bool = False  # the sentence speaks of a consultation (征求意见, 意见反馈 …)
    within: bool = False  # a period closed by 内 / 以内 (十五日内, 5个工作日内): a time limit if a duty follows
    fine: bool = False  # the figure is a fine (处…罚款)


Predicate = Callable[[Case], bool]


@dataclass(frozen=True)
class Rule:
    """One row of a decision table: when all of `condition` holds, the case is of `kind` (None: no row)."""

    name: str
    condition: tuple[Predicate, ...]
    kind: str | None
    reason: str


def in_report(c: Case) -> bool:
    """The document is a report."""
    return c.doc_kind == "report"


def in_case(c: Case) -> bool:
    """The document is a court case (it narrates events; its dates and figures commit no one)."""
    return c.doc_kind == "case"


def in_rule_document(c: Case) -> bool:
    """The document is a policy, draft or notice (where undated caps and cycles are rules)."""
    return c.doc_kind in RULE_DOC_KINDS


def years_known(c: Case) -> bool:
    """Both the date's year and the document's year are known."""
    return c.ref_year is not None and c.year is not None


def past_deadline(c: Case) -> bool:
    """The deadline is behind the document: before its year (a report: up to its year)."""
    year, ref = c.year, c.ref_year
    if year is None or ref is None:
        return False
    return year <= ref if in_report(c) else year < ref


def past_date(c: Case) -> bool:
    """The date is behind the document: before its year (a report or news item: up to its year)."""
    year, ref = c.year, c.ref_year
    if year is None or ref is None:
        return False
    return year <= ref if c.doc_kind in PREDICTING_DOC_KINDS else year < ref


def predicts(c: Case) -> bool:
    """A prediction cue in a report or news item (only they predict)."""
    return c.cue and c.doc_kind in PREDICTING_DOC_KINDS


def has_cue(c: Case) -> bool:
    """The sentence holds a prediction cue."""
    return c.cue


def in_consultation(c: Case) -> bool:
    """The sentence speaks of a consultation (征求意见, 意见反馈 …)."""
    return c.consultation


def has_value(c: Case) -> bool:
    """The row carries a number."""
    return c.has_value


def _role(name: str) -> Predicate:
    """Predicate: the governing date has this role."""
    def check(c: Case) -> bool:
        return c.role == name
    check.__name__ = check.__qualname__ = f"role_{name}"
    check.__doc__ = f"The governing date's role is {name}."
    return check


recurring, comment, effective, as_of, deadline = (
    _role(r) for r in ("recurring", "comment", "effective", "as_of", "deadline"))


def report_or_prediction(c: Case) -> bool:
    """The document is a report, or a report or news item with a prediction cue."""
    return in_report(c) or predicts(c)


def issuer_count(c: Case) -> bool:
    """The figure counts the bodies that issued a text (17部门联合印发)."""
    return c.unit == "部门"


def rule_quantity(c: Case) -> bool:
    """A percentage, percentage points, a duration, or a cap (不超过, 以内, 低于)."""
    return c.unit in RULE_UNITS or c.comparator in ("<=", "<")


def time_limit_quantity(c: Case) -> bool:
    """A period closed by 内 (十五日内, 5个工作日内, 三个月以内)."""
    return c.within


def range_or_fine(c: Case) -> bool:
    """A range with both ends (10%-20%, 一千元以上一万元以下) or a fine (处五千元罚款)."""
    return c.comparator == "between" or c.fine


DATED_RULES: tuple[Rule, ...] = (
    Rule("case_narrative", (in_case,), None, "a court case narrates what happened; its dates set no deadline"),
    Rule("recurring_in_report", (recurring, in_report), None, "a report citing a recurring duty states no item"),
    Rule("recurring", (recurring,), "reporting_deadline", "a recurring duty (每年3月底前…报送)"),
    Rule("comment", (comment,), "comment_period", "the deadline of a consultation (征求意见的时间为…至…)"),
    Rule("consultation_deadline", (deadline, in_consultation), "comment_period",
         "a deadline in a sentence about a consultation (…前反馈意见)"),
    Rule("effective_in_report", (effective, in_report), None,
         "a report citing another text's entry into force (该文件自…起施行) states no item"),
    Rule("effective", (effective,), "effective_date", "本法/本办法/本通知 … 自…起施行"),
    Rule("as_of_figure", (as_of, has_value), "reported_fact", "a statistic at a stated date (截至…)"),
    Rule("as_of_words", (as_of,), None, "an as-of date without a number states no item"),
    Rule("past_deadline_figure", (deadline, past_deadline, has_value), "reported_fact",
         "a deadline already past reports what was reached"),
    Rule("past_deadline_words", (deadline, past_deadline), None, "a past deadline without a number"),
    Rule("deadline_predicted", (deadline, report_or_prediction), "forecast",
         "a report or news item predicts, it does not commit"),
    Rule("deadline_figure", (deadline, has_value), "metric", "a dated commitment with a number"),
    Rule("deadline_words", (deadline,), "goal", "a dated commitment in words"),
    Rule("past_date_figure", (past_date, has_value), "reported_fact",
         "a past date is a fact, never a forecast, whatever the verb"),
    Rule("past_date_words", (past_date,), None, "a past date without a number"),
    Rule("date_predicted", (predicts,), "forecast", "a prediction cue in a report or news item"),
    Rule("report_later_figure", (in_report, has_value, years_known), "forecast",
         "a report's figure dated after the report itself"),
    Rule("report_figure", (in_report, has_value), "reported_fact",
         "a report's figure when its year or the report's is unknown"),
    Rule("other_date", (), None, "any other date states no item"),
)

UNDATED_RULES: tuple[Rule, ...] = (
    Rule("case_narrative", (in_case,), None, "a court case narrates what happened; its dates set no deadline"),
    Rule("report_prediction", (in_report, has_cue), "forecast", "a report's figure with a prediction cue"),
    Rule("report_passage_figure", (in_report,), "reported_fact",
         "a report's undated figure: as of the report's own time where its sentence says so (目前, 已有), "
         "else undated"),
    Rule("issuer_count", (issuer_count,), "reported_fact",
         "how many bodies issued a text is a fact (dated only where the sentence dates it)"),
    Rule("time_limit", (in_rule_document, time_limit_quantity), "time_limit",
         "a duty to act within a period (自收到申请之日起十五日内作出决定) in a normative text"),
    Rule("range_or_fine", (in_rule_document, range_or_fine), "rule",
         "a range with both ends or a fine (处一千元以上一万元以下罚款) in a normative text"),
    Rule("quantitative_rule", (in_rule_document, rule_quantity), "rule",
         "an undated percentage, duration or cap in a policy, draft or notice"),
    Rule("other_figure", (), None, "any other undated number states no item"),
)

CYCLE_RULES: tuple[Rule, ...] = (
    Rule("cycle", (in_rule_document,), "rule", "每年/每两年 without a calendar date in a policy, draft or notice"),
    Rule("other_cycle", (), None, "news, explainers and reports only restate cycles"),
)


def decide(rules: tuple[Rule, ...], case: Case) -> Rule:
    """The first rule whose condition holds (every table ends with an unconditional rule)."""
    for rule in rules:
        if all(predicate(case) for predicate in rule.condition):
            return rule
    raise ValueError(f"no rule of the table holds for {case}")


def describe() -> str:
    """The decision tables as Markdown: per table, its rules in order with condition, kind and reason."""
    out = []
    for title, rules in (("DATED_RULES", DATED_RULES), ("UNDATED_RULES", UNDATED_RULES),
                         ("CYCLE_RULES", CYCLE_RULES)):
        out += [f"`{title}`", "", "| # | rule | condition (all hold) | kind | reason |", "|---|---|---|---|---|"]
        for i, r in enumerate(rules, 1):
            condition = " and ".join(f"`{p.__name__}`" for p in r.condition) or "(always)"
            out.append(f"| {i} | `{r.name}` | {condition} | {r.kind or '(no row)'} | {r.reason} |")
        out.append("")
    return "\n".join(out)


def classify(
    role: str, year: int | None, doc_kind: str, ref_year: int | None, cue: bool, has_value: bool,
    consultation: bool = False,
) -> str | None:
    """Kind of a dated row from the anchor's role and year, the document's kind and year; None: no row."""
    case = Case(doc_kind, role, year, ref_year, cue, has_value, consultation=consultation)
    return decide(DATED_RULES, case).kind


def _check_kinds() -> None:
    """Every kind a table gives is a registered target kind (schema.TARGET_KINDS)."""
    for rules in (DATED_RULES, UNDATED_RULES, CYCLE_RULES):
        unknown = {r.kind for r in rules if r.kind is not None} - TARGET_KINDS
        if unknown:
            raise ValueError(f"target kinds not in the registry: {sorted(unknown)}")


_check_kinds()
