"""Tables of what the documents say: terms, keyness, concepts, targets and statements."""

from __future__ import annotations

from policykit.schema.registry import DOC_FK, PROV_FK, Table, _f, register
from policykit.schema.values import (
    AS_OF_BASES,
    COMPARATORS,
    CONCEPT_CATEGORIES,
    INSTRUMENTS,
    KEYNESS_DIRECTIONS,
    STRENGTHS,
    TARGET_KINDS,
)

# --- terms stage ------------------------------------------------------------------------------
register(Table(
    "term_frequencies", "Term frequencies",
    "Counts of jieba tokens (domain dictionary, stopwords removed) per document and per top-level provision. "
    "A token is one word of the segmentation: 数据要素 inside the longer dictionary word 数据要素市场 is not a "
    "数据要素 token, so a concept's token count depends on the dictionary. Use this table for vocabulary "
    "(which words, keyness, word clouds; quanteda's dfm); use `concepts` to measure how often a concept is "
    "mentioned (quanteda's tokens_lookup).",
    (
        _f("doc_id", "string", "Document.", required=True),
        _f("scope", "string", "'document' for the whole document, else the provision_id of a top-level provision.", required=True),
        _f("term", "string", "Term (simplified Chinese).", required=True, zh="词语"),
        _f("count", "integer", "Occurrences of the term in the scope.", required=True),
        _f("rank", "integer", "Rank of the term by count within the scope (1 = most frequent; ties broken by term).", required=True),
        _f("rel_freq", "number", "count divided by all counted terms in the scope.", required=True),
        _f("tfidf", "number", "count x log(N / document frequency) over the N documents; document scope only."),
    ),
    ("doc_id", "scope", "term"),
    (DOC_FK,),
    provenance="`policykit.analysis.terms`: jieba segmentation with the domain dictionary and stopword list.",
    caveats=("Counts depend on the domain dictionary and stopword list shipped with the "
        "library.",
        "A token count is not a mention count: 数据要素 inside 数据要素× or 数据要素市场 is not a "
        "数据要素 token. To compare how often documents mention a concept use `concepts`.",),
))

register(Table(
    "keyness", "Keyness draft vs final",
    "Log-likelihood keyness of terms between the draft and the final action plan, on the tokens of "
    "term_frequencies (so it compares vocabulary; for concept mentions compare `concepts` between the two).",
    (
        _f("pair_id", "string", "Pair of documents compared, draft_doc_id__final_doc_id.", required=True),
        _f("term", "string", "Term.", required=True, zh="词语"),
        _f("count_draft", "integer", "Occurrences in the draft.", required=True),
        _f("count_final", "integer", "Occurrences in the final document.", required=True),
        _f("g2", "number", "Log-likelihood statistic G2 (Dunning 1993; Rayson & Garside 2000).", required=True),
        _f("log_ratio", "number", "Binary log of the ratio of relative frequencies (final over draft), 0.5 added to zero counts.", required=True),
        _f("direction", "string", "final if relatively more frequent in the final document, else draft.", required=True, values=KEYNESS_DIRECTIONS),
    ),
    ("pair_id", "term"),
    provenance="`policykit.analysis.terms`: log-likelihood comparison of term counts between draft and final.",
    caveats=("G2 is a measure of surprise, not of importance; small counts give unstable log ratios.",),
))

# --- concepts stage ---------------------------------------------------------------------------
register(Table(
    "concepts", "Concept mentions per document and provision",
    "Mentions of the curated concepts (resources/concepts.tsv) per document and per top-level provision, one row "
    "per concept a scope mentions. Every place the text expresses a concept counts, inside longer words too, and a passage "
    "counts for every concept it expresses (数据要素市场 counts for 数据要素 and for 数据要素市场), so counts do not "
    "depend on word segmentation: use this table to compare how much documents talk about a concept (quanteda's "
    "tokens_lookup), and term_frequencies for vocabulary (quanteda's dfm).",
    (
        _f("doc_id", "string", "Document.", required=True),
        _f("scope", "string", "'document' for the whole document, else the provision_id of a top-level provision "
           "(a mention counts towards the one holding its first character).", required=True),
        _f("concept", "string", "Concept (simplified Chinese), as listed in resources/concepts.tsv.", required=True, zh="概念"),
        _f("label_en", "string", "English label of the concept.", required=True),
        _f("category", "string", "data_element, data_category, market, institution, programme, technology or "
           "digital_economy.", required=True, values=CONCEPT_CATEGORIES),
        _f("count", "integer", "Mentions of the concept in the scope (any of its variants, compounds included).", required=True, zh="出现次数"),
        _f("n_nonspace_chars", "integer", "Non-whitespace characters of the scope (documents.n_nonspace_chars for a "
           "document).", required=True, formerly="n_chars"),
        _f("per_10k", "number", "count per 10,000 non-whitespace characters of the scope; null for an empty scope."),
    ),
    ("doc_id", "scope", "concept"),
    (DOC_FK,),
    provenance="`policykit.analysis.concepts`: pattern matching of the curated concepts (resources/concepts.tsv) on "
        "the canonical text.",
    caveats=("Counts depend on the curated concept list and its variants (resources/concepts.tsv, each "
        "with its reason), not on word segmentation; a passage counts for every concept it expresses, so "
        "counts of different concepts overlap and do not add up.",
        "A concept a scope does not mention has no row (count 0 is implied; until 0.2.0 the table held a row for "
        "every scope and concept, mostly zeros). `policykit.analysis.concepts.dense_counts(concepts, documents, "
        "provisions)` gives that dense form.",),
))

register(Table(
    "concept_mentions", "Concept mentions",
    "One row per mention of a curated concept, with its offsets in the document's canonical text; a passage "
    "that expresses several concepts has a row for each (the rows behind `concepts`).",
    (
        _f("doc_id", "string", "Document.", required=True),
        _f("concept", "string", "Concept (resources/concepts.tsv).", required=True, zh="概念"),
        _f("char_start", "integer", "Start of the mention in the document's canonical text.", required=True),
        _f("char_end", "integer", "End (exclusive) of the mention in the document's canonical text.", required=True),
        _f("provision_id", "string", "Top-level provision holding the mention; null before the first provision."),
        _f("text", "string", "The mention as written (the variant matched).", required=True),
    ),
    ("doc_id", "concept", "char_start"),
    (DOC_FK,),
    provenance="`policykit.analysis.concepts`: every match of a concept pattern, with offsets.",
    caveats=("A concept's mentions never overlap one another; mentions of different concepts may "
        "share characters.",),
))

# --- targets stage ----------------------------------------------------------------------------
register(Table(
    "targets", "Targets",
    "Dated and quantitative commitments, rules, forecasts and reported facts: one row per clause of a goal "
    "sentence and per number (coded as in docs/codebook.md; precision and recall in docs/quality.md).",
    (
        _f("target_id", "string", "Stable id: doc_id:provision_id:n.", required=True),
        _f("doc_id", "string", "Document.", required=True),
        _f("provision_id", "string", "Provision the sentence belongs to.", required=True),
        _f("kind", "string", "goal, metric, rule, effective_date, reporting_deadline, comment_period, forecast or "
           "reported_fact.", required=True, zh="类型", values=TARGET_KINDS),
        _f("deadline", "date", "Date a commitment falls due or takes effect (goal, metric, effective_date, "
           "reporting_deadline, comment_period), ISO; a bare year is that year's 31 December; null otherwise.",
           required=False, zh="期限"),
        _f("as_of", "date", "Date a reported fact or forecast refers to (截至…, 2023年1月至8月 -> its last day, "
           "半年报 -> 30 June, 截至目前 and 自…以来 -> the document's own date), ISO; null otherwise.", required=False, zh="统计时点"),
        _f("as_of_basis", "string", "Where as_of comes from: a date of the fact's own sentence (stated), or, for "
           "目前/当前/至今/已有 and 自…以来, the document's date (document_date) or, undated, its date_lower_bound "
           "(document_lower_bound); null when as_of is null.", required=False, zh="统计时点依据", values=AS_OF_BASES),
        _f("since", "date", "Start of the counting period of 自…以来 / 从…开始 / 今年…至今 (自2015年…以来 -> "
           "2015-01-01); never an as-of date; null otherwise.", required=False, zh="起算日期"),
        _f("deadline_text", "string", "The date as written, deadline or as-of, e.g. 到2026年底, 截至2023年底."),
        _f("metric", "string", "What is measured or committed to, in the sentence's words (a goal: its clause; a "
           "number: its subject, taken from the clause before where the clause leaves it implicit).", required=False, zh="指标"),
        _f("value", "number", "Numeric value of the metric as written, without its magnitude word (3500 of "
           "3500万元); null if none or a range."),
        _f("unit", "string", "Unit of the value as written, magnitude word included (%, 个, 倍, 亿元, 日, 工作日; a "
           "noun where no measure word is written: 12领域 -> 领域)."),
        _f("comparator", "string", ">=, >, <=, <, =, ~ or between (a range: value null, both ends in value_low "
           "and value_high); null if none.", values=COMPARATORS),
        _f("value_low", "number", "Lower end of the interval the wording implies, in `unit` (>=, >, = and between); "
           "null otherwise."),
        _f("value_high", "number", "Upper end of the interval the wording implies, in `unit` (<=, <, = and "
           "between); null otherwise."),
        _f("value_base", "number", "The value in base units: magnitude words multiplied out (3500万元 -> 35000000), "
           "成 as percent (三成 -> 30); null for a range."),
        _f("unit_base", "string", "Unit of value_base (元 for 万元 and 亿元, % for 成); null for a range."),
        _f("value_text", "string", "The quantity as written, e.g. 300个以上."),
        _f("sentence", "string", "The sentence the row comes from.", required=True),
        _f("char_start", "integer", "Start of the sentence in the document's canonical text.", required=True),
        _f("char_end", "integer", "End (exclusive) of the sentence in the document's canonical text.", required=True),
    ),
    ("target_id",),
    (DOC_FK, PROV_FK),
    provenance="`policykit.analysis.targets`: rule-based extraction of deadlines, quantities and effective dates.",
    caveats=(
        "Targets are extracted by rules, not by hand. They are measured against two hand-coded gold sets "
        "(docs/codebook.md, version 0.3): a dev split, on which the rules were written, and a frozen test split "
        "(a third of the sentences, chosen by a hash of their text), coded afresh by reading and scored only at "
        "the end (`policykit evaluate`; dev and test side by side in docs/quality.md). On the test split (102 "
        "items in 16 documents): items precision 0.96, recall 0.99; as_of 1.00, value and unit 1.00, comparator "
        "0.99, metric 0.96 of the matched items. Every field is scored: a blank in the gold wants a blank here.",
        "`deadline` dates commitments (goal, metric, effective_date, comment_period) and forecasts (the date "
        "predicted); `as_of` dates reported facts, from the fact's own sentence only (截至2024年7月 -> "
        "2024-07-31, 2023年1月至8月 -> 2023-08-31, 半年报 -> 30 June; a date in a neighbouring sentence never "
        "dates a figure). 目前, 当前, 至今, 已有 and 自…以来 take the document's date, else its date_lower_bound "
        "(`as_of_basis` says which); a figure without a date or a present word has no as_of. 自2015年…以来 gives "
        "`since` = 2015-01-01, never an as-of date. A rule and a time limit have neither. A recurring "
        "reporting_deadline (每年3月底前) leaves `deadline` empty and keeps the date in `deadline_text`.",
        "`增长N倍` (increase by N times) is coded as a ratio to the base, value N+1 with unit 倍: 增长1倍, "
        "倍增 and 翻一番 are all 2, so the draft's 增长1倍 and the final 倍增 compare equal; `是…的N倍` is N.",
        "Comparators: 以上/不少于/达到 >=, 超过/超/逾/余/多 >, 不超过/以内/以下/最多 <=, 近/接近/不足/低于 <, 约/左右 ~, a "
        "range between (10%-20%, 处一千元以上一万元以下罚款: value null, both ends in value_low and value_high), "
        "otherwise =. The same recogniser (policykit.analysis.quantities) flags the numbers of `changes`.",
        "time_limit rows are duties to act within a period (自收到申请之日起十五日内作出决定: 15 日, <=, metric 作出决定); "
        "fines and ranges in normative texts are rules.",
        "Forecasts and reported facts (e.g. in research reports) are kept but classified apart from policy "
        "goals; filter on `kind`. A goal sentence gives one row per clause, each with the sentence's deadline.",
        "A deadline given as a bare year is coded as 31 December of that year.",
    ),
))

# --- statements stage ------------------------------------------------------------------------
register(Table(
    "statements", "Statements: commitment strength and policy instrument",
    "One row per sentence of a provision below the preamble (level 1 or deeper; the heading line excepted): what it "
    "commits to, permits, "
    "forbids, encourages or describes, coded as in docs/codebook-statements.md (agreement with the gold set in "
    "docs/quality.md).",
    (
        _f("statement_id", "string", "Stable id: doc_id:provision_id:n (n: the sentence's number within the provision).", required=True),
        _f("doc_id", "string", "Document.", required=True),
        _f("provision_id", "string", "Provision (level 1 or deeper) the sentence belongs to.", required=True),
        _f("char_start", "integer", "Start of the sentence in the document's canonical text.", required=True),
        _f("char_end", "integer", "End (exclusive) of the sentence in the document's canonical text.", required=True),
        _f("actor", "string", "The body the sentence names as the subject of its head predicate, as written "
           "(行业主管部门, 各地区各部门; 由X负责 -> X); null when the issuing authority speaks in the imperative.",
           required=False, zh="主体"),
        _f("modal", "string", "The word that sets the strength, as written (应, 要, 鼓励, 探索, the head verb, or the "
           "deadline phrase of a dated target); null for a descriptive sentence.", required=False, zh="情态词"),
        _f("strength", "integer", "Ordinal strength of the commitment: 4 mandatory or prohibitive (应当, 不得), 3 "
           "directive (要, an imperative action verb, a dated target), 2 encouraging or permissive (鼓励, 支持, 可), 1 "
           "exploratory (探索, 研究, 试点), 0 descriptive.", required=True, zh="约束强度"),
        _f("strength_name", "string", "The name of the strength: descriptive, exploratory, encouraging, directive or "
           "mandatory.", required=True, values=STRENGTHS),
        _f("instrument", "string", "Policy instrument (Rothwell & Zegveld 1985, grouped as in 赵筱媛、苏竣 2007): "
           "supply (the government provides resources: funding, talent, infrastructure, technology, public services, "
           "data), demand (it pulls demand: procurement, pilots, application scenarios, trade, opening), environment "
           "(it shapes the conditions: goals, rules, standards, finance and tax, institutions, security, organisation) "
           "or none (a descriptive sentence).", required=True, zh="政策工具", values=INSTRUMENTS),
        _f("sentence", "string", "The sentence (= documents.text[char_start:char_end]).", required=True),
    ),
    ("statement_id",),
    (DOC_FK, PROV_FK),
    provenance="`policykit.analysis.statements`: sentences of the numbered provisions coded by rules and the word "
        "lists resources/statement_words.tsv and resources/statement_instruments.tsv.",
    caveats=(
        "Coded by rules, not by hand; agreement with a gold set coded by reading (docs/codebook-statements.md) is "
        "in docs/quality.md. Strength is read from the head predicate of the main clause: later clauses of a long "
        "sentence (鼓励…，加强…) do not change it, a deontic word anywhere makes it 4.",
        "Strength is ordinal: 3 is stronger than 2, not one step of an interval scale.",
        "The preamble (level 0) is not coded; heading lines are not statements. Fragments cut at a line break "
        "inside a sentence, and signature lines parsed into a last provision, are rows of their own (coded 0).",
    ),
))
