"""The table registry: every published table, its fields, keys and descriptions.

The datapackage.json, the data dictionary and build-time validation are all generated from here,
so a column that is not described here cannot be published.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _dataclass_field


@dataclass(frozen=True)
class Field:
    """One column of a published table."""

    name: str
    type: str  # frictionless type: string, integer, number, boolean, date
    description: str
    required: bool = False
    zh: str = ""  # the Chinese term, where an economist would look for it
    values: tuple[str, ...] = ()  # the allowed values of a categorical column, in their code order
    labels: tuple[str, ...] = ()  # a bilingual label of each allowed value (figures, legends), in the same order
    formerly: str = ""  # the column's former name, where it was renamed (the data dictionary says so)


@dataclass(frozen=True)
class ForeignKey:
    """Columns of one table that must resolve to the primary key of another."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A published table: its fields, primary key (also its sort order), foreign keys, provenance, caveats."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = _dataclass_field(default_factory=tuple)
    provenance: str = ""  # the stage that produces the table, as the data dictionary states it
    caveats: tuple[str, ...] = ()  # what a user of the table should know, as the data dictionary lists it
    order: tuple[str, ...] = ()  # the sort order of the rows where it is not the primary key (document order)

    @property
    def sort_key(self) -> tuple[str, ...]:
        """Columns the published rows are sorted by: order, else the primary key."""
        return self.order or self.primary_key

    @property
    def columns(self) -> list[str]:
        """Column names in published order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called name."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name} has no column {name!r}; columns: {', '.join(self.columns)}")

    def values(self, name: str) -> tuple[str, ...]:
        """Allowed values of the categorical column called name, in their code order."""
        return self.field(name).values

    def labels(self, name: str) -> dict[str, str]:
        """Bilingual label of each allowed value of the column called name, in code order."""
        f = self.field(name)
        return dict(zip(f.values, f.labels, strict=True))


def _f(name: str, type_: str, description: str, *, required: bool = False, zh: str = "",
       values: tuple[str, ...] | dict[str, str] = (), formerly: str = "") -> Field:
    """A field; values given as a mapping name each allowed value's bilingual label."""
    if isinstance(values, dict):
        return Field(name, type_, description, required, zh, tuple(values), tuple(values.values()), formerly)
    return Field(name, type_, description, required, zh, values, formerly=formerly)


# Allowed values of the categorical columns (also their codes in the Stata export, 1, 2, … in this order);
# where a mapping, with the bilingual label figures show for each value (Table.labels).
SCRIPTS = ("hans", "hant")
NEWLINES = ("lf", "crlf", "cr", "mixed")
SOURCE_FORMATS = ("text", "html", "docx", "pdf")
SOURCE_STATUSES = ("read", "skipped")
DOCUMENT_KINDS = {
    "policy": "政策文件 policy",
    "draft": "征求意见稿 draft",
    "notice": "通知 notice",
    "news": "新闻 news",
    "interpretation": "解读 interpretation",
    "report": "研究报告 report",
    "judicial_interpretation": "司法解释 judicial interpretation",
    "case": "案例 court case",
}
DATE_TYPES = ("signed", "published", "effective")
EVENT_KINDS = ("adopted", "amended", "revised", "approved", "promulgated", "effective")
AUDIT_CATEGORIES = {
    "provision": "条款正文 provision",
    "duplicate_witness": "重复副本 duplicate witness",
    "erratum": "勘误 erratum",
    "readings": "拼音注音 readings",
    "markup": "标记 markup",
    "navigation": "网页导航 navigation",
    "credit": "来源署名 credit line",
    "times_sign": "乘号写法 times sign",
    "punctuation": "标点 punctuation",
    "whitespace": "空白 whitespace",
    "unaccounted": "未归类 unaccounted",
}
DATE_BASES = ("text", "catalog")
ALIGNMENT_CHANGES = ("unchanged", "modified", "moved", "merged", "split", "added", "deleted")
PAIRING_BASES = ("content", "containment", "same heading")
EDIT_OPS = ("insert", "delete", "replace", "move")
TRUE_FALSE_UNKNOWN = ("true", "false", "unknown")
KEYNESS_DIRECTIONS = ("draft", "final")
CONCEPT_CATEGORIES = ("data_element", "data_category", "market", "institution", "programme", "technology",
                      "digital_economy")
TARGET_KINDS = {
    "goal": "目标 goal",
    "metric": "量化指标 metric",
    "rule": "量化规则 rule",
    "effective_date": "施行日期 effective date",
    "reporting_deadline": "报送时限 reporting deadline",
    "comment_period": "征求意见期 comment period",
    "forecast": "预测 forecast",
    "reported_fact": "已报告事实 reported fact",
    "time_limit": "时限 time limit",
}
AS_OF_BASES = {
    "stated": "文中载明 stated in the sentence",
    "document_date": "文件日期 the document's date",
    "document_lower_bound": "文件日期下限 the document's date lower bound",
}
COMPARATORS = (">=", ">", "<=", "<", "=", "~", "between")
TARGET_CHANGES = {
    "unchanged": "未变 unchanged",
    "tightened": "收紧 tightened",
    "loosened": "放宽 loosened",
    "reworded": "改写 reworded",
    "added": "新增 added",
    "dropped": "删除 dropped",
}
REUSE_TYPES = ("citation", "formula", "quotation", "substantive")
DIRECTION_BASES = ("date", "month", "lower_bound", "related", "version", "citation", "unknown")
REUSE_RELATIONS = ("version", "derived", "borrowing", "citation", "formula")
CITATION_KINDS = ("title", "doc_number")
MATCH_BASES = ("title", "fuzzy", "short_form", "after_title", "doc_number")
IMPLEMENTATION_BASES = {
    "title": "实施性名称 implementing title",
    "legal_basis": "立法依据 legal basis",
    "carries_out": "贯彻落实 carries out",
}


DOC_FK = ForeignKey(("doc_id",), "documents", ("doc_id",))

TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Add a table to the registry."""
    TABLES[table.name] = table
    return table


register(Table(
    "sources", "Raw source files",
    "One row per file of the raw folder and its sub-folders: each file read, with its checksum, format, detected "
    "encoding and script, and each file skipped, with the reason (status, skipped_reason).",
    (
        _f("source_file", "string", "Path of the file relative to the raw folder (data/raw), with forward slashes: the file name for a top-level file.", required=True),
        _f("original_name", "string", "Name of the file as collected (from the raw manifest); null for an unlisted file."),
        _f("in_manifest", "boolean", "Whether data/raw/MANIFEST.csv lists the file (its checksum was verified).", required=True),
        _f("sha256", "string", "SHA-256 of the file's bytes; null for a skipped path that cannot be read (a broken symlink)."),
        _f("bytes", "integer", "Size of the file in bytes; null where the path cannot be read."),
        _f("encoding", "string", "Detected text encoding (utf-8, utf-8-sig, gb18030, utf-16, ...) of a text or HTML file; null for DOCX, PDF and skipped files."),
        _f("newline", "string", "Line-ending convention found in the file's text: lf, crlf, cr or mixed; null for a skipped file.", values=NEWLINES),
        _f("script", "string", "Chinese script of the file: hans (simplified) or hant (traditional); null for a skipped file.", required=False, zh="简体/繁体", values=SCRIPTS),
        _f("n_chars", "integer", "Characters in the decoded file (the text taken from an HTML, DOCX or PDF file); null for a skipped file."),
        _f("n_documents", "integer", "Number of document witnesses found in the file (0 for a skipped file).", required=True),
        _f("format", "string", "How the text was taken: text (.txt, .md, .text), html (the page's main text), docx "
           "(paragraphs and table rows) or pdf (the text layer); null for a skipped file of another format.", required=False, zh="格式", values=SOURCE_FORMATS),
        _f("status", "string", "read, or skipped (not read: skipped_reason says why).", required=True, zh="读取状态", values=SOURCE_STATUSES),
        _f("skipped_reason", "string", "Why the file was not read: a format not read, a backup or hidden file, or (with "
           "build --keep-going) a file that could not be read (empty, binary, undecodable, a PDF without text); null if read.", required=False, zh="跳过原因"),
    ),
    ("source_file",),
    provenance="`policykit.ingest.sources`: reads every raw file, detects its encoding, line endings and script, "
        "checks it against data/raw/MANIFEST.csv.",
    caveats=("The raw files are never edited; all cleaning happens in code, so checksums match the files "
        "as collected.",
        "For an HTML, DOCX or PDF file, the witnesses' offsets index the text taken from it (n_chars), not its bytes.",
        "Only files with status read hold documents; a skipped file is listed so that every file of the raw folder "
        "is accounted for.",),
))

register(Table(
    "documents", "Documents",
    "One row per distinct document, however many files carry it. Text is the canonical simplified "
    "text of the primary witness; provision offsets index into it.",
    (
        _f("doc_id", "string", "Stable ASCII id: the catalog's slug, else the title in pinyin and the year (untitled- and the first line for an untitled text), with a content hash where two would be equal.", required=True),
        _f("title", "string", "Title in simplified Chinese, as the text's title line or Markdown # heading gives it; "
           "null for a text without a title line (see display_title). A 第X章/节 heading is never a title.", required=False, zh="标题"),
        _f("title_assigned", "boolean", "True where the text has no title line (title null, display_title assigned).", required=True),
        _f("display_title", "string", "The title, or for an untitled text a descriptive title assigned to it: （无题） "
           "and its first line; never null.", required=True, formerly="label"),
        _f("title_en", "string", "English title in use (curated catalog); null where none is recorded."),
        _f("kind", "string", "policy (a normative text: plan, opinions, law, regulation, rules, a notice stating rules "
           "of its own), draft, notice (transmitting or announcing another document: 印发…的通知, 征求…意见的公告), "
           "news, interpretation (an explainer), report, judicial_interpretation (解释, 规定, 批复 … of the Supreme "
           "People's Court or Procuratorate) or case (a court case in sections: 基本案情, 裁判结果 …).", required=True, zh="文件类型", values=DOCUMENT_KINDS),
        _f("form", "string", "Document form from the type word the title ends with: 意见, 方案, 计划, 通知, 公告, 决定, "
           "条例, 法, 规定, 办法, 细则, 解释 …; null for news, explainers and untitled texts.", required=False, zh="文种"),
        _f("issuer", "string", "Issuing bodies, from the text's title or the catalog; null if unknown.", required=False, zh="发文机关"),
        _f("doc_number", "string", "Official document number (文号), e.g. 发改数据〔2024〕660号; null if none.", required=False, zh="文号"),
        _f("case_name", "string", "For a court case: the party name the text gives it (X诉Y…案, X与Y…纠纷案); null "
           "otherwise.", required=False, zh="案件名称"),
        _f("case_number", "string", "For a court case: every case number the text gives (（2016）最高法民再98号), in order "
           "of first appearance, `; `-separated; null if none.", required=False, zh="案号"),
        _f("date_signed", "date", "Date the document was signed or adopted (成文日期; 通过, the latest 修正/修订 for an "
           "amended text; a bare signature date 落款); null if unknown.", required=False, zh="成文日期"),
        _f("date_signed_basis", "string", "Where date_signed comes from: 'text: ' and the line, or 'catalog: ' and its basis."),
        _f("date_published", "date", "Date the document was published (发布/公布/印发); null if unknown.", required=False, zh="发布日期"),
        _f("date_published_basis", "string", "Where date_published comes from ('text: …' or 'catalog: …')."),
        _f("date_effective", "date", "Date the document takes effect (施行; 自…起施行); null if unknown.", required=False, zh="施行日期"),
        _f("date_effective_basis", "string", "Where date_effective comes from ('text: …' or 'catalog: …')."),
        _f("date", "date", "The date that orders documents and versions: date_signed, else date_published, else "
           "date_effective (date_type says which); null if none is known.", required=False, zh="日期"),
        _f("date_type", "string", "Which date `date` is: signed, published or effective; null without a date.", values=DATE_TYPES),
        _f("period", "string", "Month of the document, yyyy-mm: the month of date, or the month the catalog knows where "
           "the day is unverified; null if unknown.", required=False, zh="年月"),
        _f("date_basis", "string", "Where date and period come from: text (stated in the document) or catalog; null with "
           "neither.", required=False, values=DATE_BASES),
        _f("date_note", "string", "The line of the text that states date, or the basis of a catalog date or period."),
        _f("date_lower_bound", "date", "For an undated text: the latest date it reports as past (截至…, …通过/发布/召开), "
           "so the text is not older; null for a dated text.", required=False),
        _f("date_lower_bound_basis", "string", "The passage that gives date_lower_bound ('text: …')."),
        _f("related_doc_id", "string", "Draft -> final plan; news, notice or explainer -> the document it covers."),
        _f("family_id", "string", "Version family: documents whose titles agree once version markers (征求意见稿, 草案, "
           "试行 …) are set aside, e.g. the draft and the final action plan, or two versions of a regulation; every "
           "document has one (a family of one for most).", required=True, zh="版本族"),
        _f("version", "integer", "Version number within the family, 1 = oldest, by date (a draft before its final "
           "text); equal dates share a number; null where the document has no date to order it by.", required=False, zh="版本"),
        _f("policy_id", "string", "Policy: the documents about one policy, i.e. its version family and the "
           "documents that cover one of its versions (related_doc_id: explainer, news, issuing and consultation "
           "notices); named after the family.", required=True, zh="政策"),
        _f("n_witnesses", "integer", "Number of raw-file witnesses of the document.", required=True),
        _f("n_chars", "integer", "Non-whitespace characters in the canonical text.", required=True),
        _f("n_provisions", "integer", "Number of provisions parsed from the text.", required=True),
        _f("text_sha256", "string", "SHA-256 of the canonical text (UTF-8).", required=True),
        _f("text", "string", "Canonical simplified text of the primary witness.", required=True, zh="正文"),
    ),
    ("doc_id",),
    (ForeignKey(("related_doc_id",), "documents", ("doc_id",)),),
    provenance="`policykit.ingest.segment` and `policykit.ingest.documents`: splits each file into documents, merges "
        "witnesses of the same text, adds curated facts from data/catalog.toml.",
    caveats=(
        "`date` may be null where neither the text nor the catalog states a date; `date_basis` says where a "
        "date comes from.",
        "Derivative documents (news pages, explainers converted from slides) are kept as their own rows and "
        "point to the document they cover through `related_doc_id`.",
        "`text` is long (tens of thousands of characters); in the Stata export it is a strL.",
        "English titles (`title_en`) follow one convention, 数据要素 = \"data elements\" (translators also use "
        "\"data factors of production\"); the Chinese `title` is the authority.",
        "Documents without a title line (one research report) have a null `title` and a descriptive "
        "`display_title` (`title_assigned` is true).",
        "`date` orders documents: the signed date, else the published date, else the effective date "
        "(`date_type`); each of the three has its own basis column. `version` is null where a family member "
        "has no date to order it by.",
    ),
))

register(Table(
    "witnesses", "Witnesses",
    "One row per occurrence of a document in a raw file.",
    (
        _f("doc_id", "string", "Document the witness carries.", required=True),
        _f("source_file", "string", "Raw file holding the witness.", required=True),
        _f("char_start", "integer", "Start offset in the decoded raw file (Python string index).", required=True),
        _f("char_end", "integer", "End offset (exclusive) in the decoded raw file.", required=True),
        _f("script", "string", "Script of the witness as written: hans or hant.", required=True, values=SCRIPTS),
        _f("is_primary", "boolean", "Whether this witness supplies the document's canonical text.", required=True),
        _f("agreement", "number", "Similarity of the witness's normalised text to the primary witness (0-1, "
           "normalised Indel similarity on non-whitespace characters).", required=True),
        _f("n_differences", "integer", "Number of residual differing passages against the primary witness.", required=True),
        _f("differences", "string", "The residual differences, as 'primary→witness' pairs separated by ' | '; empty if none."),
        _f("removed_readings", "integer", "Characters of inserted pinyin readings removed by normalisation within "
           "the witness's own lines (its title line included).", required=True),
        _f("removed_markup", "integer", "Characters of HTML/Markdown markup and comments removed by normalisation "
           "within the witness's own lines (a # before its title line included).", required=True),
    ),
    ("doc_id", "source_file", "char_start"),
    (DOC_FK, ForeignKey(("source_file",), "sources", ("source_file",))),
    provenance="`policykit.ingest.segment` and `policykit.ingest.documents`: one row per place a document occurs.",
    caveats=("`agreement` compares normalised text; readings, markup and punctuation differences "
        "removed by normalisation do not count.",),
))

register(Table(
    "provisions", "Provisions",
    "Each document parsed into its hierarchy of parts, items and sub-items; lossless over the text.",
    (
        _f("doc_id", "string", "Document.", required=True),
        _f("provision_id", "string", "Stable hierarchical id within the document, e.g. 3.12 (0 is the preamble).", required=True),
        _f("parent_id", "string", "provision_id of the enclosing provision; null at top level."),
        _f("level", "integer", "Depth in the hierarchy: 0 = preamble, 1 = part, 2 = item, ...", required=True),
        _f("ord", "integer", "Position of the provision in document order (1-based).", required=True),
        _f("label", "string", "Original numbering, canonicalised (一、 （十二） 1. 1、 ——); empty if unnumbered.", required=False, zh="序号"),
        _f("heading", "string", "Title of the provision where it has one.", required=False, zh="标题"),
        _f("text", "string", "Text of the provision (its own text, without its children).", required=True),
        _f("char_start", "integer", "Start offset in the document's canonical text.", required=True),
        _f("char_end", "integer", "End offset (exclusive) in the document's canonical text.", required=True),
    ),
    ("doc_id", "provision_id"),
    (DOC_FK,),
    order=("doc_id", "ord"),  # document order: 3.2 before 3.10
    provenance="`policykit.ingest.structure`: parses the numbering hierarchy of each document's canonical text.",
    caveats=(
        "Provisions of documents converted from slides (illustrated explainers) are rough: headings, bullet "
        "fragments and table cells do not follow a numbering scheme.",
        "Unnumbered headings are detected heuristically; `label` is empty where a provision has no "
        "numbering.",
    ),
))

register(Table(
    "document_events", "Document events",
    "One row per event a document states about its own history: adopted, amended, revised, approved, "
    "promulgated, effective, with its date, the acting body and the passage that states it.",
    (
        _f("doc_id", "string", "Document.", required=True),
        _f("ord", "integer", "Position of the event in the text (1-based).", required=True),
        _f("event_id", "string", "Stable id of the event: doc_id#ord.", required=True),
        _f("event", "string", "adopted (通过), amended (修正, 修改), revised (修订), approved (批准 by another body), "
           "promulgated (公布, 发布, 颁布) or effective (施行: a header line or the text's own 本…自…起施行).", required=True,
           zh="事件", values=EVENT_KINDS),
        _f("date", "date", "Date of the event; for 自公布之日起施行, the promulgation date the text states (the "
           "last revision by the body's own decree, else the first 公布); null where the text gives none.",
           required=False, zh="日期"),
        _f("body", "string", "Acting body, without session, meeting, decree number and 中华人民共和国 "
           "(全国人民代表大会常务委员会, 北京市人民代表大会常务委员会, 国务院); joint bodies joined by 、; null if "
           "unstated and for effective.", required=False, zh="机关"),
        _f("text", "string", "The passage that states the event, as written (a header line, or lines joined where "
           "the text breaks one; the 施行 sentence).", required=True),
        _f("char_start", "integer", "Start of the passage in the document's canonical text.", required=True),
        _f("char_end", "integer", "End (exclusive) of the passage in the document's canonical text.", required=True),
    ),
    ("doc_id", "ord"),
    (DOC_FK,),
    provenance="`policykit.ingest.dates.text_events` and `policykit.ingest.documents.document_events`: the "
        "header's history lines (every date with the verb that ends its clause, broken lines joined) and the "
        "text's own entry into force.",
    caveats=(
        "`documents.date_signed` is the latest adopted, amended or revised event; `date_effective` the text's "
        "own 自…起施行, else the header's 施行 event; the issuer of a law or regulation with no other is the "
        "body that enacted it.",
        "Measured against a gold set of law files coded by reading (docs/codebook-events.md; "
        "`policykit evaluate --task laws`).",
    ),
))

PROV_FK = ForeignKey(("doc_id", "provision_id"), "provisions", ("doc_id", "provision_id"))

# --- compare stage (alignment, changes) -------------------------------------------------------
register(Table(
    "alignment", "Version alignment",
    "One row per aligned unit of a pair of consecutive versions of one family (the draft -> final plan, "
    "two versions of a regulation …; n:m allowed), classified by change. draft_* columns hold the older "
    "version, final_* the newer.",
    (
        _f("pair_id", "string", "Pair of documents compared, older__newer (draft_doc_id__final_doc_id).", required=True),
        _f("aligned_unit", "integer", "Number of the aligned unit within the pair, in final-document order (deleted "
           "units last).", required=True, formerly="unit"),
        _f("draft_doc_id", "string", "Older version (the draft of a draft -> final pair).", required=True),
        _f("final_doc_id", "string", "Newer version (the final text of a draft -> final pair).", required=True),
        _f("draft_provision_ids", "string", "Draft provisions in the unit, separated by ';'; empty if added."),
        _f("final_provision_ids", "string", "Final provisions in the unit, separated by ';'; empty if deleted."),
        _f("draft_heading", "string", "Heading of the (first) draft provision."),
        _f("final_heading", "string", "Heading of the (first) final provision."),
        _f("section", "string", "Heading of the top-level final (else draft) part the unit belongs to."),
        _f("change", "string", "unchanged, modified, added, deleted, merged, split or moved. Between versions of a law "
           "each 第X条 article (with its items) is one unit, and moved means under another number.", required=True, zh="变化类型",
           values=ALIGNMENT_CHANGES),
        _f("similarity", "number", "Text similarity of the unit's two sides (0-1, normalised Indel on characters: "
           "order matters); null for added/deleted. Never below 0.3: less alike units are deleted and added.", required=False),
        _f("similarity_unordered", "number", "Order-insensitive similarity of the two sides (0-1, Dice coefficient of "
           "their word multisets): close to 1 for a unit whose sentences were only re-ordered; null for added/deleted."),
        _f("basis", "string", "How the unit was paired: content (similarity at least the threshold), containment "
           "(the share of one side that recurs in the other at least the threshold and 0.6: merges, splits) or same heading (unchanged heading and "
           "order-insensitive similarity at least the threshold); null for added/deleted.", values=PAIRING_BASES),
        _f("n_changes", "integer", "Number of word-level edit operations in the unit.", required=True),
        _f("touches_numbers", "boolean", "Whether an edit in the unit changes a number, quantity or deadline.", required=True),
    ),
    ("pair_id", "aligned_unit"),
    (ForeignKey(("draft_doc_id",), "documents", ("doc_id",)), ForeignKey(("final_doc_id",), "documents", ("doc_id",))),
    provenance="`policykit.analysis.compare`: aligns the provisions of each draft with those of its final version.",
    caveats=("Alignment is automatic (text similarity plus order); `moved`, `merged` and `split` are "
        "heuristic labels worth checking against the texts.",),
))

register(Table(
    "changes", "Word-level changes",
    "Word-level edit operations (jieba tokens) inside each aligned unit.",
    (
        _f("pair_id", "string", "Pair of documents compared.", required=True),
        _f("aligned_unit", "integer", "Aligned unit (alignment.aligned_unit).", required=True, formerly="unit"),
        _f("op_index", "integer", "Order of the operation within the unit.", required=True),
        _f("op", "string", "insert, delete, replace, or move (a sentence found verbatim on both sides, out of "
           "sequence: never shown as a delete and an insert).", required=True, values=EDIT_OPS),
        _f("draft_text", "string", "Draft words removed or replaced (empty for insert; the sentence for move)."),
        _f("final_text", "string", "Final words inserted or replacing (empty for delete; the sentence for move)."),
        _f("context", "string", "The surrounding final (else draft) text, with the change in [brackets]."),
        _f("touches_numbers", "boolean", "Whether the words removed or inserted include a quantity, date or deadline "
           "(policykit.analysis.quantities: digits, Chinese numerals with a unit or measure word, %, 倍, 番; not idioms, "
           "一 as an article, ordinals or codes such as C2M).", required=True),
        _f("value_changed", "string", "Where touches_numbers: true if the quantity's value differs, false if it is "
           "stated again in other words or moved (增长1倍 -> 倍增), unknown if replaced by a vague word (大幅); "
           "null otherwise.", values=TRUE_FALSE_UNKNOWN),
        _f("is_moved", "boolean", "Whether the words removed (or inserted) here reappear inserted (or removed) by "
           "another operation of the unit, or the operation is a move: a reordering rather than a rewrite.", required=True),
        _f("trivial", "boolean", "Whether the operation changes only punctuation, spacing or a variant form "
           "(制订 -> 制定; resources/variant_forms.tsv).", required=True),
    ),
    ("pair_id", "aligned_unit", "op_index"),
    (ForeignKey(("pair_id", "aligned_unit"), "alignment", ("pair_id", "aligned_unit")),),
    provenance="`policykit.analysis.compare`: word-level diff (jieba tokens) inside each aligned unit.",
    caveats=("Word boundaries follow jieba, so an edit may split or join words differently from a human "
        "reading.",),
))

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
        _f("n_chars", "integer", "Non-whitespace characters of the scope (documents.n_chars for a document).", required=True),
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

# --- target_changes stage ---------------------------------------------------------------------


def _target_side(side: str) -> tuple[Field, ...]:
    """The columns describing the draft or the final target of a change."""
    return (
        _f(f"{side}_target_id", "string", f"The {side} target (targets.target_id); null if the target was "
           f"{'added' if side == 'draft' else 'dropped'}."),
        _f(f"{side}_kind", "string", f"Kind of the {side} target."),
        _f(f"{side}_deadline", "date", f"Deadline of the {side} target."),
        _f(f"{side}_metric", "string", f"What the {side} target measures or commits to."),
        _f(f"{side}_value", "number", f"Value of the {side} target."),
        _f(f"{side}_value_unit", "string", f"Unit of the {side} value."),
        _f(f"{side}_comparator", "string", f"Comparator of the {side} value."),
        _f(f"{side}_value_text", "string", f"The {side} quantity as written."),
        _f(f"{side}_sentence", "string", f"The {side} sentence."),
    )


register(Table(
    "target_changes", "Target changes draft -> final",
    "Each target of each aligned unit of a draft -> final pair, paired with its counterpart through the "
    "alignment (not by provision id) and classified.",
    (
        _f("pair_id", "string", "Pair of documents compared, draft_doc_id__final_doc_id.", required=True),
        _f("aligned_unit", "integer", "Aligned unit (alignment.aligned_unit) the targets belong to.", required=True,
           formerly="unit"),
        _f("item", "integer", "Order of the change within the unit: paired targets first, then added, then dropped.", required=True),
        _f("change", "string", "unchanged, tightened (the final commits to more: higher floor, lower cap, stricter "
           "comparator, earlier deadline, a number where there was none), loosened (the reverse), reworded (same "
           "commitment, other words; or changes pointing both ways), added or dropped.", required=True, zh="变化类型", values=TARGET_CHANGES),
        _f("basis", "string", "What differs between the two targets (value, comparator, deadline, kind, wording)."),
        _f("similarity", "number", "Similarity of the two metric descriptions (0-1) that paired them; null if added "
           "or dropped."),
        *_target_side("draft"),
        *_target_side("final"),
    ),
    ("pair_id", "aligned_unit", "item"),
    (ForeignKey(("pair_id", "aligned_unit"), "alignment", ("pair_id", "aligned_unit")),),
    provenance="`policykit.analysis.target_changes`: pairs the targets of each aligned draft/final unit (through "
        "`alignment`) and classifies each change.",
    caveats=(
        "Targets are paired by the similarity of their `metric` words inside an aligned unit (at least 0.5), "
        "so a goal rewritten beyond recognition shows as one target dropped and another added.",
        "`tightened`/`loosened` compare value, comparator and deadline only; what a change of wording means "
        "for the commitment (`reworded`) is left to the reader, with both sentences given.",
    ),
))

# --- reuse stage ------------------------------------------------------------------------------
_REUSE_SIDES = ("source_doc_id and target_doc_id follow the dates (direction_basis); where nothing tells which "
                "came first (direction_basis unknown) the two sides are named in doc_id order and no direction "
                "is claimed.")
register(Table(
    "reuse", "Text reuse",
    "Passages of shared language between provisions of different documents, each side exactly as its document "
    "has it, typed (citation, formula, quotation, substantive) and directed by the documents' dates. "
    + _REUSE_SIDES,
    (
        _f("reuse_id", "string", "Stable id of the passage.", required=True),
        _f("source_doc_id", "string", "Earlier document (see direction_basis).", required=True),
        _f("source_provision_id", "string", "Provision of the source document.", required=True),
        _f("target_doc_id", "string", "Later document (see direction_basis).", required=True),
        _f("target_provision_id", "string", "Provision of the target document.", required=True),
        _f("type", "string", "citation (title or document number of a cited document), formula (a list of "
           "agencies or addressees, or language found in many families of documents), quotation (inside "
           "quotation marks in both documents) or substantive (the rest: wording one document shares with the "
           "other).", required=True, zh="引用/套话/引语/实质内容", values=REUSE_TYPES),
        _f("length", "integer", "Content characters matched exactly (Han characters, letters, digits and symbols, "
           "not whitespace or punctuation): the unit of the minimum length (15 by default; 6 for a phrase in "
           "quotation marks).", required=True),
        _f("edit_distance", "integer", "Edit distance (characters inserted, deleted or replaced) between "
           "source_text and target_text; 0 = verbatim.", required=True, formerly="n_differences"),
        _f("source_text", "string", "The passage exactly as the source document has it "
           "(= documents.text[source_char_start:source_char_end]).", required=True),
        _f("target_text", "string", "The passage exactly as the target document has it "
           "(= documents.text[target_char_start:target_char_end]).", required=True),
        _f("shared_text", "string", "The passage, where source_text and target_text are identical; null for a "
           "near-verbatim passage (edit_distance > 0)."),
        _f("source_char_start", "integer", "Start in the source document's canonical text.", required=True),
        _f("source_char_end", "integer", "End (exclusive) in the source document's canonical text.", required=True),
        _f("target_char_start", "integer", "Start in the target document's canonical text.", required=True),
        _f("target_char_end", "integer", "End (exclusive) in the target document's canonical text.", required=True),
        _f("doc_frequency", "integer", "Documents holding the passage's rarest 8-character piece (for a quoted "
           "phrase, the phrase): the documents holding the passage, or a few more.", required=True),
        _f("rarity", "number", "Mean over the passage's 8-character pieces of 2 / the documents holding the piece "
           "(at most 1; for a quoted phrase, of the phrase), times the share of its characters outside stock wording "
           "(6-character pieces found in 5 families of documents or more): 1 for wording only the two documents "
           "share, low for phrases common across the corpus or put together from stock phrases.", required=True),
        _f("cited_doc_id", "string", "For a citation passage: the document of the corpus whose title or number "
           "it is (the citations table's cited_doc_id of the citation it overlaps), else null."),
        _f("direction_basis", "string", "date (both dated), month (one known only to the month), lower_bound "
           "(an undated document known to be later than a date), related (news or an explainer comes after the "
           "document it covers), version (a document about an earlier version of a text comes before a later version "
           "or a document about it, e.g. an explainer of a draft before the final text), citation (the target "
           "names the source's title in 《》) or unknown (no direction claimed).", required=True, values=DIRECTION_BASES),
    ),
    ("reuse_id",),
    (
        ForeignKey(("source_doc_id", "source_provision_id"), "provisions", ("doc_id", "provision_id")),
        ForeignKey(("target_doc_id", "target_provision_id"), "provisions", ("doc_id", "provision_id")),
    ),
    provenance="`policykit.analysis.reuse`: shared passages between provisions of different documents.",
    caveats=(
        "Formulaic language shared by many families of documents is suppressed when the index is built (it seeds "
        "no passage); what remains of it inside a passage is typed `formula`. Read `substantive` and `quotation` "
        "passages as borrowing; `citation` and `formula` are not.",
        "Direction follows the documents' dates; where nothing tells which came first, `direction_basis` is "
        "`unknown` and source/target are only the two sides in doc_id order.",
    ),
))

register(Table(
    "reuse_pairs", "Text reuse by pair of documents",
    "One row per pair of documents sharing at least one passage of the reuse table: passages and characters by "
    "type, and the direction. " + _REUSE_SIDES,
    (
        _f("source_doc_id", "string", "Earlier document (see direction_basis).", required=True),
        _f("target_doc_id", "string", "Later document (see direction_basis).", required=True),
        _f("direction_basis", "string", "As in the reuse table: date, month, lower_bound, related, version, "
           "citation or unknown (no direction claimed).", required=True, values=DIRECTION_BASES),
        _f("same_family", "boolean", "Whether the two documents are versions of one text (the same "
           "documents.family_id: a draft and its final, two versions of a regulation).", required=True),
        _f("same_policy", "boolean", "Whether the two documents are about one policy (the same documents.policy_id: "
           "its versions, explainer, news, issuing and consultation notices).", required=True),
        _f("relation", "string", "What links the pair: version (same family), derived (same policy, not versions of "
           "one text), borrowing (different policies; substantive or quoted language with the evidence of "
           "is_borrowing), citation (different policies; a citation passage naming a document of the corpus), formula "
           "(the rest: formulas, agency lists, common phrases).", required=True, zh="关系", values=REUSE_RELATIONS),
        _f("is_borrowing", "boolean", "Borrowing between different policies: a quoted phrase only the two documents "
           "hold, or a phrase of evidence (n_phrases) and rare_chars of at least 15 x max(1, log(pairs of documents) / "
           "log(1000)) (15 in a corpus of up to 45 documents, 30 for 1,400), or twice that in rare_chars alone; never "
           "between versions or documents about one policy.", required=True, zh="实质性文本复用"),
        _f("rare_chars", "number", "Evidence: content characters of the substantive and quotation passages, each "
           "weighted by its rarity (reuse.rarity).",
           required=True),
        _f("n_phrases", "integer", "Evidence: substantive passages whose length times rarity (reuse.rarity) is at "
           "least 15, plus quoted phrases that only the two documents hold.", required=True),
        _f("cited_doc_id", "string", "For a pair whose citation passages name a document of the corpus: that "
           "document (the first by doc_id)."),
        _f("n_passages", "integer", "Passages of the reuse table between the two documents.", required=True),
        _f("n_citation", "integer", "Passages of type citation.", required=True),
        _f("n_formula", "integer", "Passages of type formula.", required=True),
        _f("n_quotation", "integer", "Passages of type quotation.", required=True),
        _f("n_substantive", "integer", "Passages of type substantive.", required=True),
        _f("substantive_chars", "integer", "Content characters in substantive passages.", required=True),
        _f("quotation_chars", "integer", "Content characters in quotation passages.", required=True),
        _f("longest_substantive", "integer", "Length of the longest substantive passage (0 if none).", required=True),
        _f("n_verbatim", "integer", "Passages whose two sides are identical (edit_distance = 0).", required=True),
    ),
    ("source_doc_id", "target_doc_id"),
    (
        ForeignKey(("source_doc_id",), "documents", ("doc_id",)),
        ForeignKey(("target_doc_id",), "documents", ("doc_id",)),
    ),
    provenance="`policykit.analysis.reuse`: the reuse table summed by pair of documents.",
    caveats=("A pair with `same_family` true is two versions of one text, one with `same_policy` true two documents "
        "about one policy; shared language there is expected and is never `is_borrowing`.",
        "A derived document (explainer, news, notice) is never the source of a version of its own policy: without "
        "evidence the direction is `unknown`, and source/target are then the two sides in doc_id order.",),
))

# --- citations ---------------------------------------------------------------------------------
register(Table(
    "citations", "Citations",
    "Every citation in the texts: a title in 《》 (with the article cited after it) or a document number, with the "
    "cited document where the corpus holds it.",
    (
        _f("citation_id", "string", "Stable id: doc_id#c<char_start>.", required=True),
        _f("doc_id", "string", "Citing document.", required=True),
        _f("char_start", "integer", "Start in the citing document's canonical text (the 《 or the number).", required=True),
        _f("char_end", "integer", "End (exclusive).", required=True),
        _f("kind", "string", "title (in 《》) or doc_number (发改数据〔2024〕1836号).", required=True, zh="引用类型",
           values=CITATION_KINDS),
        _f("text", "string", "documents.text[char_start:char_end].", required=True),
        _f("cited_title", "string", "The cited title as written, without 《》 (null for a number)."),
        _f("cited_article", "string", "The article cited right after the title, as written (第二十条第一款)."),
        _f("cited_doc_id", "string", "The cited document, where the corpus holds it (the latest version dated no "
           "later than the citing document)."),
        _f("match_basis", "string", "How the cited document was found: title (a key of its title), fuzzy "
           "(rapidfuzz ratio), short_form (以下简称《…》), after_title (a number in brackets after a title) or "
           "doc_number (documents.doc_number).", values=MATCH_BASES),
        _f("match_score", "number", "rapidfuzz ratio of the cited title's key to the matched title's (100 = exact)."),
    ),
    ("citation_id",),
    (DOC_FK, ForeignKey(("cited_doc_id",), "documents", ("doc_id",))),
    provenance="`policykit.analysis.citations`: 《》 titles and document numbers in documents.text.",
    caveats=("A law cited without 《》 (依照刑法第…条) and references inside a document (本法第十条) are not citations.",
        "A document's own number in its heading is not a citation."),
))

register(Table(
    "implementation", "Implementation network",
    "Which documents implement which cited document of the corpus (implementing regulations of a law, plans that "
    "carry a policy out), and the lag in days between them.",
    (
        _f("doc_id", "string", "Implementing document.", required=True),
        _f("implemented_doc_id", "string", "Implemented (cited) document.", required=True),
        _f("basis", "string", "title (实施办法/实施条例/实施细则 of the cited title), legal_basis (根据《…》…制定本…) "
           "or carries_out (贯彻落实/落实《…》); the strongest of the pair's citations.", required=True,
           values=IMPLEMENTATION_BASES),
        _f("citation_id", "string", "The citation that gives the basis.", required=True),
        _f("date", "date", "documents.date of the implementing document."),
        _f("implemented_date", "date", "documents.date of the implemented document."),
        _f("lag_days", "integer", "Days from the implemented document's date to the implementing one's "
           "(null where either is undated)."),
    ),
    ("doc_id", "implemented_doc_id"),
    (DOC_FK, ForeignKey(("implemented_doc_id",), "documents", ("doc_id",)),
     ForeignKey(("citation_id",), "citations", ("citation_id",))),
    provenance="`policykit.analysis.citations`: from the citations table and the citing sentences.",
    caveats=("`date` is documents.date (for a law, the date its text states first), so a lag may run from an "
        "older version of the implemented text.",),
))

# --- audit -------------------------------------------------------------------------------------
register(Table(
    "audit", "Character audit",
    "Where every character of every raw file went: kept in a provision, kept in a duplicate witness, "
    "or removed as a reading, markup, navigation, credit line or layout whitespace.",
    (
        _f("source_file", "string", "Raw file.", required=True),
        _f("category", "string", "Where the characters went: kept in a provision, in a duplicate witness, or in a "
           "passage a curated erratum corrected (erratum); removed as pinyin readings, markup, navigation, a credit "
           "line, the times sign's spelling, punctuation or layout whitespace; unaccounted is never expected.",
           required=True, values=AUDIT_CATEGORIES),
        _f("doc_id", "string", "Document the characters belong to (provision and duplicate_witness rows); "
           "empty otherwise.", required=True),
        _f("provision_id", "string", "Provision of the primary witness the characters landed in (provision rows); "
           "empty otherwise.", required=True),
        _f("n_chars", "integer", "Number of characters of the decoded raw file.", required=True),
    ),
    ("source_file", "category", "doc_id", "provision_id"),
    (ForeignKey(("source_file",), "sources", ("source_file",)),),
    provenance="`policykit.analysis.audit`: follows every character of every decoded raw file through normalisation, "
        "segmentation and parsing.",
    caveats=("`unaccounted` never occurs in a valid build: a test requires every character to be accounted for.",
        "Characters of a duplicate witness are counted under its document but not parsed into provisions "
        "(the primary witness is)."),
))


# --- statements stage ------------------------------------------------------------------------
STRENGTHS = {
    "descriptive": "0 描述性 descriptive",
    "exploratory": "1 探索性 exploratory",
    "encouraging": "2 鼓励性 encouraging",
    "directive": "3 指令性 directive",
    "mandatory": "4 强制性 mandatory",
}
INSTRUMENTS = {
    "supply": "供给型 supply",
    "demand": "需求型 demand",
    "environment": "环境型 environment",
    "none": "无 none",
}
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

STATEMENT_CHANGES = {
    "unchanged": "未变 unchanged",
    "strengthened": "加强 strengthened",
    "weakened": "减弱 weakened",
    "added": "新增 added",
    "dropped": "删除 dropped",
}


def _statement_side(side: str) -> tuple[Field, ...]:
    """The columns describing the draft or the final statement of a change."""
    return (
        _f(f"{side}_statement_id", "string", f"The {side} statement (statements.statement_id); null if the statement "
           f"was {'added' if side == 'draft' else 'dropped'}."),
        _f(f"{side}_strength", "integer", f"Strength of the {side} statement (0-4)."),
        _f(f"{side}_modal", "string", f"Modal word of the {side} statement."),
        _f(f"{side}_instrument", "string", f"Instrument of the {side} statement."),
        _f(f"{side}_sentence", "string", f"The {side} sentence."),
    )


register(Table(
    "statement_changes", "Statement strength changes draft -> final",
    "Each statement of each aligned unit of a draft -> final pair, paired with its counterpart through the "
    "alignment (not by provision id), and whether the commitment became stronger or weaker.",
    (
        _f("pair_id", "string", "Pair of documents compared, draft_doc_id__final_doc_id.", required=True),
        _f("aligned_unit", "integer", "Aligned unit (alignment.aligned_unit) the statements belong to.", required=True,
           formerly="unit"),
        _f("item", "integer", "Order of the change within the unit: paired statements in final order, then added, "
           "then dropped.", required=True),
        _f("change", "string", "strengthened (the final strength is higher), weakened (lower), unchanged (equal), "
           "added (a final statement without a draft counterpart) or dropped (the reverse).", required=True, zh="变化类型",
           values=STATEMENT_CHANGES),
        _f("similarity", "number", "Similarity of the two sentences (0-1) that paired them; null if added or dropped."),
        *_statement_side("draft"),
        *_statement_side("final"),
    ),
    ("pair_id", "aligned_unit", "item"),
    (ForeignKey(("pair_id", "aligned_unit"), "alignment", ("pair_id", "aligned_unit")),),
    provenance="`policykit.analysis.statement_changes`: pairs the statements of each aligned draft/final unit "
        "(through `alignment`) and compares their strength.",
    caveats=(
        "Statements are paired one to one inside an aligned unit by the similarity of their sentences (at least "
        "0.5), so a sentence rewritten beyond recognition shows as one statement dropped and another added.",
        "A change of strength is as good as the coding of both sentences (see `statements`); read both sentences.",
    ),
))


FIELD_TERMS = "field_terms.tsv"  # in policykit/resources: the Chinese term of each column defined without one


def _add_field_terms() -> None:
    """Give each column defined above without a Chinese term the one resources/field_terms.tsv lists."""
    import csv
    from dataclasses import replace
    from pathlib import Path

    path = Path(__file__).parent / "resources" / FIELD_TERMS
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        terms = {(r["table"], r["column"]): r["zh"].strip() for r in rows}
    for name, spec in TABLES.items():
        fields = tuple(replace(f, zh=terms.get((name, f.name), "")) if not f.zh else f for f in spec.fields)
        TABLES[name] = replace(spec, fields=fields)


_add_field_terms()

def table(name: str) -> Table:
    """Return the registered table called name."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r}; tables: {', '.join(sorted(TABLES))}") from None


def require(df: object, table_or_columns: str | tuple[str, ...] | list[str], where: str | None = None) -> None:
    """Raise InputError unless df is a DataFrame holding the columns (a registered table's name: all of its).

    The one required-column check of every stage: the error reads ``table <where>: missing columns [...]``,
    where defaults to the table's name (and must be given with a list of columns).
    """
    import pandas as pd

    from policykit.errors import InputError

    if isinstance(table_or_columns, str):
        columns, where = table(table_or_columns).columns, where or table_or_columns
    else:
        columns = list(table_or_columns)
    place = f"table {where}" if where else "table"
    if not isinstance(df, pd.DataFrame):
        raise InputError(place, "expected a pandas DataFrame")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(place, f"missing columns {missing}")
