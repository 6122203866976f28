"""Compare jieba with rjieba (jieba-rs) on the whole corpus: identical tokens with the domain dictionary, and speed.

Both segmenters get the same input and the same vocabulary: the text between the pinned domain terms
(policykit.analysis.terms matches those first), cut in precise mode without the HMM, with the shorter domain terms
added to each segmenter's dictionary (jieba: Tokenizer.add_word with its suggested frequency; rjieba:
add_word with suggest_freq). policykit adopts rjieba only if every token is identical.

Usage: python benchmarks/segmenters.py [--repeat 3] [--data DIR]   (rjieba must be installed: pip install rjieba)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from policykit import config
from policykit.analysis import tokenise, vocabulary


def _pieces(texts: list[str]) -> list[str]:
    """The stretches of text jieba sees in policykit: everything between pinned domain tokenise."""
    pattern = tokenise._protected()
    out = []
    for text in texts:
        pos = 0
        for m in pattern.finditer(text) if pattern else ():
            out.append(text[pos:m.start()])
            pos = m.end()
        out.append(text[pos:])
    return out


def _rjieba():
    """An rjieba segmenter with policykit's short domain terms added."""
    import rjieba

    rj = rjieba.Jieba()
    for term in vocabulary.domain_terms():
        if not tokenise._is_pinned(term):
            rj.add_word(term, rj.suggest_freq(term), None)
    return rj


def main() -> None:
    """Print token agreement and throughput of both segmenters."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--data", type=Path, default=config.PROCESSED_DIR)
    args = p.parse_args()
    texts = pd.read_parquet(args.data / "documents.parquet")["text"].astype(str).tolist()
    pieces = _pieces(texts)
    mb = sum(len(t.encode("utf-8")) for t in pieces) / 1e6
    tk = tokenise._tokenizer()
    rj = _rjieba()
    runs = {"jieba": lambda s: list(tk.cut(s, cut_all=False, HMM=False)), "rjieba": lambda s: rj.cut(s, False)}
    tokens, timing = {}, {}
    for name, cut in runs.items():
        cut("预热")  # dictionaries loaded before timing
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = [cut(s) for s in pieces]
            best = min(best, time.perf_counter() - t0)
        tokens[name], timing[name] = out, best
    a = [t for piece in tokens["jieba"] for t in piece]
    b = [t for piece in tokens["rjieba"] for t in piece]
    same_pieces = sum(x == y for x, y in zip(tokens["jieba"], tokens["rjieba"], strict=True))
    print(f"corpus: {len(texts)} documents, {len(pieces)} stretches between pinned terms, {mb:.2f} MB")
    for name in runs:
        print(f"{name:7s} best of {args.repeat}: {timing[name]:.3f} s  ({mb / timing[name]:.1f} MB/s)")
    print(f"tokens: jieba {len(a)}, rjieba {len(b)}; identical stretches {same_pieces}/{len(pieces)}; "
          f"identical token streams: {a == b}")
    shown = 0
    for x, y in zip(tokens["jieba"], tokens["rjieba"], strict=True):
        if x != y and shown < 10:
            print("  jieba :", " / ".join(x)[:120])
            print("  rjieba:", " / ".join(y)[:120])
            shown += 1


if __name__ == "__main__":
    main()
