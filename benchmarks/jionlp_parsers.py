"""JioNLP's time and money parsers against policykit.analysis.targets_parse's own, on the targets gold set.

For every gold item with a full date (deadline or as_of), does the parser find that date in the item's
sentence? For every amount in 元, does it find the amount? And how many dates does it produce in sentences
that hold only `none` items (cited titles, 文号, signature lines), where fewer is better? Also the time
each parser takes. JioNLP is not a dependency of policykit: install it into a scratch environment
(`python -m venv /tmp/jio && /tmp/jio/bin/pip install jionlp`) and run this file with that environment's
Python, with policykit and its dependencies importable (e.g. PYTHONPATH=src:.venv/lib/python3.11/site-packages).

Usage: python benchmarks/jionlp_parsers.py [--data DIR] [--gold FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from policykit import config
from policykit.analysis import targets_parse as pk

MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "": 1.0}
DEFAULT_BASE = "2024-06-30"  # JioNLP needs a reference moment; undated documents get the corpus's middle


def _epoch(day: str) -> float:
    """Seconds since the epoch of an ISO day (JioNLP's time_base)."""
    return time.mktime(time.strptime(day, "%Y-%m-%d"))


def jio_dates(jio, sentence: str, day: str | None) -> set[str]:  # noqa: ANN001 - the jionlp module
    """Last days of the time expressions JioNLP extracts from a sentence."""
    out = set()
    for found in jio.ner.extract_time(sentence, time_base=_epoch(day or DEFAULT_BASE), with_parsing=True):
        span = (found.get("detail") or {}).get("time")
        if isinstance(span, list) and span and isinstance(span[-1], str) and span[-1][:4].isdigit():
            out.add(span[-1][:10])
    return out


def own_dates(sentence: str, day: str | None) -> set[str]:
    """Dates policykit.analysis.targets finds in a sentence."""
    return {a.date for a in pk.find_anchors(sentence, day, day) if a.date}


def jio_amounts(jio, sentence: str) -> set[float]:  # noqa: ANN001 - the jionlp module
    """Amounts in 元 JioNLP extracts."""
    out = set()
    for found in jio.ner.extract_money(sentence, with_parsing=True):
        num = str((found.get("detail") or {}).get("num", ""))
        if num.replace(".", "", 1).isdigit():
            out.add(round(float(num), 2))
    return out


def own_amounts(sentence: str) -> set[float]:
    """Amounts in 元 policykit.analysis.targets finds."""
    return {round(q.value * MULTIPLIERS.get((q.unit or "")[:-1], float("nan")), 2)
            for q in pk.find_quantities(sentence) if (q.unit or "").endswith("元")}


def main() -> None:
    """Print the comparison as JSON."""
    import jionlp as jio

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=config.PROCESSED_DIR, help="built tables (documents)")
    p.add_argument("--gold", type=Path, default=config.ROOT / "data" / "gold" / "targets.csv")
    args = p.parse_args()
    gold = pd.read_csv(args.gold, dtype=str, keep_default_na=False)
    dates = pd.read_parquet(args.data / "documents.parquet", columns=["doc_id", "date"]).set_index("doc_id")["date"]
    day_of = {d: (None if pd.isna(v) else str(v)[:10]) for d, v in dates.items()}
    items = gold[gold.kind != "none"]
    dated = items[(items.deadline + items.as_of).str.match(r"\d{4}-")]
    result: dict[str, dict] = {"jionlp": {}, "policykit": {}}
    parsers = {"jionlp": (lambda s, d: jio_dates(jio, s, d), lambda s: jio_amounts(jio, s)),
               "policykit": (own_dates, own_amounts)}
    amounts = items[items.unit.str.endswith("元") & (items.value != "")]
    none_only = (gold.groupby(["doc_id", "sentence"]).filter(lambda g: set(g.kind) == {"none"})
                 .drop_duplicates(["doc_id", "sentence"]))
    for name, (date_fn, amount_fn) in parsers.items():
        t0 = time.perf_counter()
        hits = sum((g.deadline or g.as_of) in date_fn(g.sentence, day_of[g.doc_id]) for g in dated.itertuples())
        seconds = time.perf_counter() - t0
        money = sum(round(float(g.value) * MULTIPLIERS.get(g.unit[:-1], float("nan")), 2) in amount_fn(g.sentence)
                    for g in amounts.itertuples())
        noise = sum(len(date_fn(g.sentence, day_of[g.doc_id])) for g in none_only.itertuples())
        result[name] = {"dates_found": f"{hits}/{len(dated)}", "date_seconds": round(seconds, 3),
                        "amounts_found": f"{money}/{len(amounts)}",
                        f"dates_in_{len(none_only)}_none_only_sentences": noise}
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
