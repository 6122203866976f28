"""Tables of the corpus as read: raw files, documents, witnesses, provisions, events, the character audit."""

from __future__ import annotations

from policykit.schema.registry import DOC_FK, ForeignKey, Table, _f, register
from policykit.schema.values import (
    AUDIT_CATEGORIES,
    DATE_BASES,
    DATE_TYPES,
    DOCUMENT_KINDS,
    EVENT_KINDS,
    NEWLINES,
    SCRIPTS,
    SOURCE_FORMATS,
    SOURCE_STATUSES,
)

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
        _f("n_nonspace_chars", "integer", "Non-whitespace characters in the canonical text.", required=True,
           formerly="n_chars"),
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
