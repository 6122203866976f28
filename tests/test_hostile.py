"""Hostile raw folders: odd encodings, odd shapes, broken files; a table or a one-line error, never a traceback."""

from __future__ import annotations

import codecs
import csv
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policykit import config
from policykit.build import build
from policykit.cli import main
from policykit.errors import InputError

TITLE = "关于推进数据标准化工作的通知"
BODY = ("坚持标准引领，推动数据要素市场化配置改革，到2026年底，制定数据标准50项以上。\n\n"
        "二、保障措施\n\n加强组织领导，完善工作机制，确保各项任务落到实处。\n")
DOC = f"{TITLE}\n\n一、总体要求\n\n{BODY}"
OTHER = ("数据资源统计调查制度实施方案\n\n一、调查目的\n\n摸清数据资源底数，服务数据要素市场建设。\n\n"
         "二、调查范围\n\n各级政务部门和重点行业企业的数据资源。\n")
TRADITIONAL = ("關于推進數據標準化工(gōng)作的通知\n\n一、總(zǒng)體要求\n\n"
               "堅持標準引領,推動數據要素市場化配置改革,到2026年底,制定數據標準50項以上。\n\n"
               "二、保障措施\n\n加強組織領導,完善工(gōng)作機制,確保各項任務落到實處。\n")


def _raw(tmp_path: Path, files: dict[str, bytes], name: str = "raw") -> Path:
    """A raw folder holding the given files."""
    raw = tmp_path / name
    raw.mkdir()
    for fname, data in files.items():
        (raw / fname).write_bytes(data)
    return raw


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _cli(raw: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykit.cli", "build", "-q", "--raw", str(raw), "--out", str(out)],
                          capture_output=True, text=True, cwd=config.ROOT, timeout=120)


def _main(raw: Path, out: Path, capsys: pytest.CaptureFixture) -> tuple[int, str]:
    """Exit code and stderr of `policykit build` run in this process (what the command prints and returns).

    The subprocess tests below (_cli) cover the real entry point; these check the message and the output
    folder without paying a fresh interpreter per case.
    """
    capsys.readouterr()
    code = main(["build", "-q", "--raw", str(raw), "--out", str(out)])
    return code, capsys.readouterr().err


def _titles(result) -> set[str]:
    return set(result.tables["documents"]["title"])


# --- read and processed -------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "encoding"), [
    (DOC.encode("utf-16"), "utf-16"),
    (codecs.BOM_UTF8 + DOC.replace("\n", "\r\n").encode("utf-8"), "utf-8-sig"),
])
def test_encodings_are_built(tmp_path: Path, data: bytes, encoding: str) -> None:
    """UTF-16 with a BOM and UTF-8 with BOM and CRLF give the document, with raw offsets that point at it."""
    raw = _raw(tmp_path, {"doc.txt": data})
    result = build(raw, tmp_path / "out")
    assert result.tables["sources"]["encoding"].tolist() == [encoding]
    assert TITLE in _titles(result)
    decoded = data.decode(encoding).removeprefix("\ufeff")
    w = result.tables["witnesses"].iloc[0]
    assert decoded[w.char_start:w.char_end].startswith(TITLE)
    assert (tmp_path / "out" / "documents.parquet").is_file()


def test_utf16_without_bom_of_chinese_prose(tmp_path: Path) -> None:
    """A UTF-16-LE file without BOM holding ordinary Chinese prose is read, not refused as binary."""
    raw = _raw(tmp_path, {"doc.txt": DOC.encode("utf-16-le")})
    result = build(raw, tmp_path / "out")
    assert TITLE in _titles(result)


def test_file_of_only_headings(tmp_path: Path) -> None:
    """A title and bare numbered headings with no body are a document, not a crash."""
    raw = _raw(tmp_path, {"headings.txt": f"{TITLE}\n\n一、总体要求\n\n二、重点任务\n\n三、保障措施\n".encode()})
    result = build(raw, tmp_path / "out")
    docs = result.tables["documents"]
    assert TITLE in set(docs.title)
    assert int(docs.set_index("title").loc[TITLE, "n_provisions"]) >= 3


def test_document_without_numbering(tmp_path: Path) -> None:
    """A titled document in plain paragraphs keeps all of its text."""
    text = f"{TITLE}\n\n各地区、各部门要充分认识数据标准化的重要意义。\n\n要加强统筹协调，形成工作合力。\n"
    result = build(_raw(tmp_path, {"plain.txt": text.encode()}), tmp_path / "out")
    docs = result.tables["documents"].set_index("title")
    assert "形成工作合力" in docs.loc[TITLE, "text"]
    provisions = result.tables["provisions"]
    assert "形成工作合力" in "".join(provisions["text"])


def test_repeated_documents_become_witnesses(tmp_path: Path) -> None:
    """A compilation repeating a document, and a second file with it again: one document, three witnesses."""
    raw = _raw(tmp_path, {"a.txt": f"{DOC}\n{OTHER}\n{DOC}".encode(), "b.txt": DOC.encode()})
    result = build(raw, tmp_path / "out")
    docs = result.tables["documents"]
    assert sorted(docs.title) == sorted([TITLE, OTHER.split("\n")[0]])
    witnesses = result.tables["witnesses"]
    doc_id = docs.set_index("title").loc[TITLE, "doc_id"]
    assert (witnesses.doc_id == doc_id).sum() == 3


def test_traditional_copy_with_readings(tmp_path: Path) -> None:
    """A traditional copy with pinyin readings and half-width punctuation is a witness of the simplified one."""
    raw = _raw(tmp_path, {"a_simplified.txt": DOC.encode(), "b_traditional.txt": TRADITIONAL.encode()})
    result = build(raw, tmp_path / "out")
    assert _titles(result) == {TITLE}
    w = result.tables["witnesses"].set_index("source_file")
    assert w.loc["b_traditional.txt", "script"] == "hant"
    assert w.loc["b_traditional.txt", "removed_readings"] > 0
    assert w.loc["b_traditional.txt", "agreement"] > 0.95
    assert result.tables["sources"].set_index("source_file").loc["b_traditional.txt", "script"] == "hant"


def test_traditional_copy_alone_is_simplified(tmp_path: Path) -> None:
    """Alone, the traditional copy yields a simplified title and text without readings or half-width commas."""
    result = build(_raw(tmp_path, {"t.txt": TRADITIONAL.encode()}), tmp_path / "out")
    docs = result.tables["documents"]
    assert list(docs.title) == [TITLE]
    text = docs.text.iloc[0]
    assert "(gōng)" not in text and "," not in text and "坚持标准引领，推动" in text


@pytest.mark.slow
def test_one_megabyte_line(tmp_path: Path) -> None:
    """A titled document whose body is one 1 MB line without a newline is built in bounded time."""
    line = ("推动数据要素市场化配置改革，" * 30000).encode()[:1_000_000].decode("utf-8", "ignore")
    raw = _raw(tmp_path, {"long.txt": f"{TITLE}\n\n{line}".encode()})
    t = time.perf_counter()
    result = build(raw, tmp_path / "out")
    assert time.perf_counter() - t < 30
    assert TITLE in _titles(result)


def test_file_without_any_title(tmp_path: Path) -> None:
    """A file with no title line (here one line, no newline) is kept as an untitled document."""
    raw = _raw(tmp_path, {"oneline.txt": ("推动数据要素市场化配置改革，" * 3).encode()})
    result = build(raw, tmp_path / "out")
    assert len(result.tables["documents"]) == 1


# --- refused with one line, earlier output intact -----------------------------------------------

def _manifest(raw: Path, name: str, data: bytes) -> None:
    """Write a manifest listing one file with the checksum of data."""
    with (raw / config.MANIFEST_NAME).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "original_name", "sha256", "bytes", "origin", "description"])
        w.writerow([name, name, hashlib.sha256(data).hexdigest(), len(data), "test", "test"])


def _truncated(raw: Path) -> str:
    (raw / "zz_cut.txt").write_bytes(DOC.encode()[:-2])
    return "zz_cut.txt"


def _binary(raw: Path) -> str:
    (raw / "zz_blob.txt").write_bytes(bytes(range(256)) * 8)
    return "zz_blob.txt"


def _edited(raw: Path) -> str:
    _manifest(raw, "doc.txt", DOC.encode())
    (raw / "doc.txt").write_bytes(DOC.encode() + "补".encode())
    return "doc.txt"


def _empty(raw: Path) -> str:
    (raw / "zz_empty.txt").write_bytes(b"")
    return "zz_empty.txt"


@pytest.mark.slow
@pytest.mark.parametrize(("spoil", "reason"), [
    (_truncated, "truncated UTF-8"),
    (_binary, "binary"),
    (_edited, "checksum does not match"),
    (_empty, "empty file"),
])
def test_bad_file_is_one_line_and_keeps_output(tmp_path: Path, spoil, reason: str,
                                               capsys: pytest.CaptureFixture) -> None:
    """The command exits 1 naming the file and the reason on one line; the earlier output is untouched."""
    raw = _raw(tmp_path, {"doc.txt": DOC.encode()})
    out = tmp_path / "out"
    build(raw, out)
    before = _digests(out)
    name = spoil(raw)
    code, err = _main(raw, out, capsys)
    assert code == 1, err
    err = err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert name in err and reason in err
    assert _digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]


def test_truncated_utf8_is_refused_in_process(tmp_path: Path) -> None:
    """A UTF-8 file cut inside a character is refused, not read as GB18030 mojibake."""
    raw = _raw(tmp_path, {"cut.txt": DOC.encode()[:-2]})
    with pytest.raises(InputError, match="cut.txt"):
        build(raw, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_missing_raw_folder_from_the_command(tmp_path: Path) -> None:
    """A raw folder that does not exist: exit 1, one line naming it, no output folder created."""
    proc = _cli(tmp_path / "nowhere", tmp_path / "out")
    assert proc.returncode == 1
    err = proc.stderr.strip()
    assert "\n" not in err and "Traceback" not in err and "nowhere" in err and "does not exist" in err
    assert not (tmp_path / "out").exists()


# --- the output folder, interruption, odd paths ---------------------------------------------------

def test_unwritable_out_is_refused_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """An --out under a file: one line naming it, before the raw folder is even looked at."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, err = _main(tmp_path / "nowhere", tmp_path / "afile" / "out", capsys)
    assert code == 1
    err = err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "afile" in err and "output folder" in err and "nowhere" not in err.split(":", 2)[1]


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    raw = _raw(tmp_path, {"doc.txt": DOC.encode()})
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="output folder is a file"):
        build(raw, tmp_path / "out")


@pytest.mark.slow
def test_second_build_into_the_same_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """While one build holds the output folder, another exits 1 with one clear line; the first is unharmed."""
    from policykit.build import output_lock

    raw = _raw(tmp_path, {"doc.txt": DOC.encode()})
    out = tmp_path / "out"
    build(raw, out)
    before = _digests(out)
    with output_lock(out):  # an flock: a second open of the lock file conflicts even in this process
        code, err = _main(raw, out, capsys)
    assert code == 1
    err = err.strip()
    assert "\n" not in err and "Traceback" not in err and "another build" in err
    assert _digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]  # the lock file is gone too
    build(raw, out)  # released: the next build goes ahead


def test_staging_folders_of_killed_builds_are_cleaned(tmp_path: Path) -> None:
    raw = _raw(tmp_path, {"doc.txt": DOC.encode()})
    for stale in (".out.building-k1ll3d", ".out-abcd_123", ".out.old"):
        (tmp_path / stale).mkdir()
        (tmp_path / stale / "documents.csv").write_text("half-written", encoding="utf-8")
    (tmp_path / ".other.building-x").mkdir()  # another output's: not ours to remove
    build(raw, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.building-x", "out", "raw"]


SLOW_BUILD = """
import sys, time
from policykit import cli
from policykit.build import stages as B

def slow(tables):
    time.sleep(300)
    return {}

B.STAGES = (*B.STAGES, B.StageSpec("slow", ("documents",), (), slow))
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_sigint_cancels_running_stages_promptly(tmp_path: Path) -> None:
    """Ctrl-C during a long stage: exit 130 within seconds, the message on a line of its own, no worker left."""
    import os
    import signal

    psutil = pytest.importorskip("psutil")
    raw = _raw(tmp_path, {"doc.txt": DOC.encode()})
    out = tmp_path / "out"
    build(raw, out)
    before = _digests(out)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, "build", "--no-cache", "--raw", str(raw),
                             "--out", str(out)], stderr=subprocess.PIPE, text=True, cwd=config.ROOT,
                            env={**os.environ, "POLICYKIT_WORKERS": "2"})
    parent = psutil.Process(proc.pid)
    try:
        deadline = time.monotonic() + 90
        workers: list = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = parent.children(recursive=True)
        assert len(workers) >= 2, "the build never started its workers"
        time.sleep(3)  # the quick stages finish; the slow one is running
        t = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        elapsed = time.monotonic() - t
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert elapsed < 10, f"took {elapsed:.1f} s to stop"
    lines = err.replace("\r", "\n").splitlines()
    assert any(line.startswith("policykit: interrupted") for line in lines), err
    assert "Traceback" not in err
    time.sleep(0.5)
    assert not [w for w in workers if w.is_running() and w.status() != psutil.STATUS_ZOMBIE]
    assert _digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]


def test_nul_byte_is_refused_with_its_place(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A NUL byte inside a text file: one line naming the file, the character, its line and column."""
    raw = _raw(tmp_path, {"doc.txt": DOC.replace("坚持", "坚\x00持", 1).encode()})
    code, err = _main(raw, tmp_path / "out", capsys)
    assert code == 1
    err = err.strip()
    assert "\n" not in err and "doc.txt" in err and "U+0000" in err and "line 5" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_odd_paths_are_skipped_with_a_warning(tmp_path: Path) -> None:
    """A folder named foo.txt is a folder (read inside); a symlink loop is skipped, listed with its reason."""
    raw = _raw(tmp_path, {"doc.txt": DOC.encode()})
    (raw / "foo.txt").mkdir()
    (raw / "loop.txt").symlink_to(raw / "loop.txt")
    result = build(raw, tmp_path / "out")
    sources = result.tables["sources"]
    assert set(sources[sources.status == "read"].source_file) == {"doc.txt"}
    assert result.skipped == [("loop.txt", "skipped: a symlink loop")]
    proc = _cli(raw, tmp_path / "out2")
    assert proc.returncode == 0, proc.stderr
    assert "  loop.txt: skipped: a symlink loop" in proc.stderr.splitlines() and "Traceback" not in proc.stderr
