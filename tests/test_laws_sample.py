"""Documents, dates, families and alignment on a sample of the external corpus of laws and regulations.

A dozen files are extracted by name from the development archive (../shared/external/laws-dev.tar.xz,
public official texts; see its README): version pairs, two copies of one law, a law in chapters with
articles numbered beyond 第一千条, dates in brackets and in Chinese numerals. The test is skipped where
the archive is not available.
"""

from __future__ import annotations

import os
import re
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from policykit import build as pk_build
from policykit.analysis.compare import build_comparison
from policykit.ingest.catalog import read_catalog
from policykit.ingest.documents import build_corpus, version_pairs
from policykit.ingest.sources import read_sources

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE_CANDIDATES = [Path(os.environ.get("POLICYKIT_LAWS_ARCHIVE", "/nonexistent")),
                      *(p / "shared" / "external" / "laws-dev.tar.xz" for p in (ROOT.parent, ROOT.parent.parent))]
SAMPLE = {
    "诉讼与非诉讼程序法/行政复议法(2017-09-01).md": "review-2017.md",
    "诉讼与非诉讼程序法/行政复议法(2023-09-01).md": "review-2023.md",
    "行政法/反间谍法(2014-11-01).md": "counter-espionage-2014.md",
    "行政法/反间谍法(2023-04-26).md": "counter-espionage-2023.md",
    "行政法规/母婴保健法实施办法(2017-11-17).md": "maternal-2017.md",
    "行政法规/母婴保健法实施办法(2023-07-20).md": "maternal-2023.md",
    "行政法/广告法(2021-04-29).md": "advertising-a.md",
    "经济法/广告法(2021-04-29).md": "advertising-b.md",
    "民法典/侵权责任编.md": "civil-code-torts.md",
    "刑法/刑法修正案（十一）.md": "criminal-law-amendment-11.md",
    "部门规章/人力资源社会保障部/企业职工带薪年休假实施办法(2008-07-17).md": "annual-leave.md",
    "部门规章/公安部/公安机关适用继续盘问规定(2004-07-12).md": "questioning.md",
    "行政法规/工资支付暂行规定(1994-12-06).md": "wages.md",
}
ARTICLE_LINE_RE = re.compile(r"^[ \t\u3000]*第[一二三四五六七八九十百千零〇两\d]+条[ \t\u3000]", re.M)
ARTICLE_LABEL_RE = r"^第[一二三四五六七八九十百千零〇两\d]+条"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample files, extracted by name into a flat raw folder."""
    archive = next((p for p in ARCHIVE_CANDIDATES if p.is_file()), None)
    if archive is None:
        pytest.skip("external corpus archive not available")
    out = tmp_path_factory.mktemp("laws")
    with tarfile.open(archive, "r:xz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("./")
            if name in SAMPLE:
                (out / SAMPLE[name]).write_bytes(tar.extractfile(member).read())
    assert sorted(p.name for p in out.iterdir()) == sorted(SAMPLE.values())
    return out


def _tables(raw: Path) -> dict[str, pd.DataFrame]:
    """documents, witnesses, provisions and alignment of a raw folder."""
    corpus = build_corpus(read_sources(raw), read_catalog(ROOT / "data" / "catalog.toml"))
    t = {"documents": corpus.documents, "witnesses": corpus.witnesses}
    t.update(pk_build.run_in_process("provisions", t))
    t["alignment"], _ = build_comparison(t["documents"], t["provisions"])
    return t


@pytest.fixture(scope="module")
def tables(sample_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables of the sample."""
    return _tables(sample_dir)


def _doc(tables: dict[str, pd.DataFrame], file: str) -> pd.Series:
    """The document a sample file carries."""
    wit = tables["witnesses"]
    ids = set(wit.loc[wit.source_file == file, "doc_id"])
    assert len(ids) == 1, (file, ids)
    return tables["documents"].set_index("doc_id").loc[ids.pop()]


def test_one_document_per_text(tables, sample_dir: Path) -> None:
    """Each file is one document; only the two copies of one law are witnesses of one document."""
    docs, wit = tables["documents"], tables["witnesses"]
    assert len(docs) == len(SAMPLE) - 1
    assert _doc(tables, "advertising-a.md").name == _doc(tables, "advertising-b.md").name
    assert wit.groupby("doc_id").size().max() == 2
    # near-identical versions that state different amendments stay apart
    assert _doc(tables, "maternal-2017.md").name != _doc(tables, "maternal-2023.md").name
    assert not docs["text"].str.contains("INFO END").any()


def test_titles_and_articles(tables, sample_dir: Path) -> None:
    """Titles are the opening # lines; article provisions match the 第X条 lines; no chapter is a title."""
    prov = tables["provisions"]
    for file in SAMPLE.values():
        raw = (sample_dir / file).read_text(encoding="utf-8")
        doc = _doc(tables, file)
        heads = []
        for line in raw.splitlines():
            if line.strip():
                if not line.startswith("# "):
                    break
                heads.append(line[2:].strip())
        assert re.sub(r"\s", "", doc["title"]) == re.sub(r"\s", "", "".join(heads)), file
        n = prov[(prov.doc_id == doc.name) & prov.label.fillna("").str.match(ARTICLE_LABEL_RE)].shape[0]
        assert n == len(ARTICLE_LINE_RE.findall(raw)), file
    assert _doc(tables, "civil-code-torts.md")["title"] == "中华人民共和国民法典侵权责任编"
    assert _doc(tables, "review-2017.md")["form"] == "法" and _doc(tables, "annual-leave.md")["form"] == "办法"
    assert set(tables["documents"]["kind"]) == {"policy"}


def test_dates_from_the_text(tables) -> None:
    """Adoption, amendment, promulgation and effective lines are read, each with its basis."""
    review = _doc(tables, "review-2017.md")
    assert review["date_signed"] == "2017-09-01" and review["date"] == review["date_signed"]
    assert review["date_type"] == "signed" and review["date_basis"] == "text"
    assert review["date_signed_basis"].startswith("text: 2017年9月1日")
    assert _doc(tables, "counter-espionage-2014.md")["date"] == "2014-11-01"  # (2014年11月1日…通过)
    assert _doc(tables, "questioning.md")["date_effective"] == "2004-10-01"  # 自二○○四年十月一日起施行
    assert _doc(tables, "annual-leave.md")["date_signed"] == "2008-07-17"
    maternal = _doc(tables, "maternal-2017.md")
    assert maternal["date_published"] == "2001-06-20" and pd.isna(maternal["date_signed"])


def test_versions_linked_and_aligned(tables) -> None:
    """Versions form a family in date order; every consecutive pair is aligned; identical articles pair."""
    docs = tables["documents"]
    pairs = version_pairs(docs)
    for old, new in (("review-2017.md", "review-2023.md"), ("counter-espionage-2014.md", "counter-espionage-2023.md"),
                     ("maternal-2017.md", "maternal-2023.md")):
        a, b = _doc(tables, old), _doc(tables, new)
        assert a["family_id"] == b["family_id"] and (a["version"], b["version"]) == (1, 2)
        assert (a.name, b.name) in pairs
        rows = tables["alignment"][tables["alignment"].pair_id == f"{a.name}__{b.name}"]
        # an identical article is unchanged under its number, moved under another (a renumbering rewrite)
        assert len(rows) and rows[rows.similarity == 1.0].change.isin(["unchanged", "moved"]).all()
        assert (rows.similarity == 1.0).any()
    assert len(pairs) == 3
    # a one-sentence article is an article with a body, so identical ones pair with each other
    prov = tables["provisions"]
    a, b = _doc(tables, "review-2017.md").name, _doc(tables, "review-2023.md").name
    rows = tables["alignment"][tables["alignment"].pair_id == f"{a}__{b}"]
    arts = prov[prov.label.fillna("").str.match(ARTICLE_LABEL_RE)]
    body = arts.text.str.replace(ARTICLE_LABEL_RE, "", regex=True).str.strip()
    old = arts.assign(body=body)[arts.doc_id == a].drop_duplicates("body", keep=False).set_index("body")["provision_id"]
    new = arts.assign(body=body)[arts.doc_id == b].drop_duplicates("body", keep=False).set_index("body")["provision_id"]
    same = [(old[t], new[t]) for t in set(old.index) & set(new.index)]
    together = {(x, y) for d, f in zip(rows.draft_provision_ids, rows.final_provision_ids, strict=True)
                for x in str(d).split(";") for y in str(f).split(";")}
    assert same and all(p in together for p in same)


def test_ids_from_content_not_file_names(tables, sample_dir: Path, tmp_path: Path) -> None:
    """The same texts under other names, read in another order, get the same ids."""
    for p in sample_dir.iterdir():
        (tmp_path / f"renamed-{p.stem[::-1]}.md").write_bytes(p.read_bytes())
    again = build_corpus(read_sources(tmp_path), read_catalog(ROOT / "data" / "catalog.toml")).documents
    assert sorted(again["doc_id"]) == sorted(tables["documents"]["doc_id"])
    assert not tables["documents"]["doc_id"].str.contains(r"-\d$").any()
