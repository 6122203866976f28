"""Keyword in context: word boundaries, provisions, phrases and the document filter."""

from __future__ import annotations

import pytest
from tiny_tables import doc_rows as _docs
from tiny_tables import provision_rows as _provs

from policykit.analysis.kwic import kwic
from policykit.errors import InputError


def test_kwic_respects_word_boundaries_and_provisions():
    r"""'数据' in '数据要素' is not a hit; the hit in '数据很多' sits in provision 1.1.

    text: '数据要素很重要。\n数据很多' -> one line: left '数据要素很重要。 ' (newline shown as space),
    keyword 数据, right '很多', char_start 9.
    """
    text = "数据要素很重要。\n数据很多"
    docs = _docs(("a", "policy", None, text))
    provs = _provs(("a", "1", None, 1, "数据要素很重要。\n", 0, 9), ("a", "1.1", "1", 2, "数据很多", 9, 13))
    got = kwic("数据", documents=docs, provisions=provs, window=20)
    assert got.to_dict("records") == [
        {"doc_id": "a", "provision_id": "1.1", "left": "数据要素很重要。 ",
         "keyword": "数据", "right": "很多", "char_start": 9},
    ]
    assert len(kwic("数据要素", documents=docs, provisions=provs, window=2)) == 1
    assert kwic("数据要素", documents=docs, provisions=provs, window=2).right[0] == "很重"


def test_kwic_phrase_of_several_words_and_doc_filter():
    """A phrase spanning two tokens matches; docs restricts the documents searched."""
    docs = _docs(("a", "policy", None, "推动数据要素高水平应用"), ("b", "policy", None, "数据要素高水平"))
    provs = _provs(("a", "0", None, 1, "推动数据要素高水平应用", 0, 11))
    got = kwic("数据要素高水平", docs=["a"], documents=docs, provisions=provs)
    assert list(got.doc_id) == ["a"] and got.char_start[0] == 2 and got.left[0] == "推动"
    with pytest.raises(InputError, match="unknown doc_id"):
        kwic("数据", docs=["zz"], documents=docs, provisions=provs)
