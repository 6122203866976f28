"""Decoding raw files: encodings, line endings, manifest checks, bad files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from policykit.errors import InputError
from policykit.ingest.sources import decode_bytes, newline_style, read_sources

TEXT = "“数据要素×”三年行动计划（2024—2026年）\n一、激活数据要素潜能\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),
    (TEXT.encode("utf-16-be"), "utf-16-be"),
    (codecs.BOM_UTF8 + TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8-sig"),
])
def test_decode_each_encoding(data: bytes, encoding: str) -> None:
    """Every supported encoding decodes to the same text, the BOM removed."""
    text, enc = decode_bytes(data, "x.txt")
    assert enc == encoding
    assert text.replace("\r\n", "\n") == TEXT


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"  \n\n ", "empty file"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
])
def test_bad_files_name_the_reason(data: bytes, reason: str) -> None:
    """Empty and binary files are refused with a one-line reason naming the file."""
    with pytest.raises(InputError) as exc:
        decode_bytes(data, "raw/bad.txt")
    assert str(exc.value).startswith("raw/bad.txt: ")
    assert reason in str(exc.value)
    assert "\n" not in str(exc.value)


def test_truncated_utf8_is_named() -> None:
    """A UTF-8 file cut inside its last character is refused as truncated, not decoded as something else."""
    with pytest.raises(InputError, match="cut.txt: truncated UTF-8"):
        decode_bytes(TEXT.encode("utf-8")[:-2], "cut.txt")


def test_utf16_without_bom_is_read() -> None:
    """UTF-16 without a byte-order mark is recognised by the readable text it decodes to."""
    for enc in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(TEXT.encode(enc), "x.txt") == (TEXT, enc)


def test_newline_styles() -> None:
    """Line endings are recognised."""
    assert newline_style("a\nb\n") == "lf"
    assert newline_style("a\r\nb\r\n") == "crlf"
    assert newline_style("a\rb\r") == "cr"
    assert newline_style("a\r\nb\n") == "mixed"


def test_manifest_checksum_is_verified(raw_copy: Path) -> None:
    """A listed file whose bytes changed is an error naming the file."""
    victim = sorted(p for p in raw_copy.glob("*.txt"))[0]
    victim.write_bytes(victim.read_bytes() + "补".encode())
    with pytest.raises(InputError, match=f"{victim.name}: checksum does not match"):
        read_sources(raw_copy)


def test_unlisted_file_is_accepted(raw_copy: Path) -> None:
    """A file the manifest does not list is read and reported."""
    (raw_copy / "extra.txt").write_bytes(TEXT.encode("gb18030"))
    sources = {s.name: s for s in read_sources(raw_copy)}
    assert not sources["extra.txt"].in_manifest
    assert sources["extra.txt"].encoding == "gb18030"
    assert all(s.in_manifest for n, s in sources.items() if n != "extra.txt")


def test_missing_folder_and_missing_listed_file(tmp_path: Path, raw_copy: Path) -> None:
    """A raw folder that does not exist, or lacks a listed file, is a clear error."""
    with pytest.raises(InputError, match="does not exist"):
        read_sources(tmp_path / "nope")
    sorted(raw_copy.glob("*.txt"))[0].unlink()
    with pytest.raises(InputError, match="listed in the manifest but missing"):
        read_sources(raw_copy)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_control_character_is_refused_with_its_place(char: str) -> None:
    """One control character in otherwise good text: refused, naming the code point, line and column."""
    from policykit.ingest.sources import check_control

    with pytest.raises(InputError) as exc:
        check_control(TEXT.replace("激活", f"激{char}活"), "raw/x.txt")
    message = str(exc.value)
    assert message.startswith("raw/x.txt: ") and f"U+{ord(char):04X}" in message and "line 2, column 4" in message
    check_control(TEXT + "\t\f\v\r\n", "raw/x.txt")  # layout characters are text


def test_plausibility_and_binary_counts_match_the_definition() -> None:
    """The regular-expression counts agree with the character-by-character definitions."""
    from policykit.ingest.sources import _is_binary, _plausibility

    text = TEXT + "abc\u00a0\u3000，。\x01\ufffdé" * 3
    ok = sum(1 for ch in text if ch.isspace() or " " <= ch <= "~" or "\u3000" <= ch <= "\u303f"
             or "\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u2027")
    assert _plausibility(text) == ok / len(text)
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    assert _is_binary(text) == (bad > max(2, len(text) // 1000))


def test_paths_that_are_not_files_are_named(tmp_path: Path) -> None:
    """A dangling symlink is skipped with a warning; a folder named like a text file is a folder, read inside."""
    from policykit.errors import InputWarning
    from policykit.ingest.sources import raw_files

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    with pytest.warns(InputWarning) as caught:
        assert raw_files(tmp_path) == [tmp_path / "a.txt"]
    assert sorted(w.message.where.rsplit("/", 1)[-1] for w in caught) == ["gone.md"]
