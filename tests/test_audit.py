"""The character audit's blank detection."""

from __future__ import annotations

import sys

from policykit.analysis import audit


def test_space_codes_are_what_isspace_calls_blank() -> None:
    """The blank code points found by regular expression are exactly those str.isspace accepts."""
    assert audit._space_codes().tolist() == [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def test_blank_mask_marks_blanks() -> None:
    """Each character of a text is marked blank exactly when str.isspace says so."""
    text = " 数据\u3000要素\n\t×"
    assert audit.blank_mask(text).tolist() == [ch.isspace() for ch in text]
