"""The two quantity recognisers side by side, on every sentence of the built documents.

policykit.analysis.quantities gives the number flags of changes; policykit.analysis.targets_parse the values of targets.

Prints how many spans both find (and how many of those get the same value and unit), how many only one
finds, with the most frequent examples of each. It shows why the two are not one function: the number
flags count dates, bare digits, durations and category counts (a changed 2025年 or 三类 is a changed number
in a diff), while the targets parser skips them (dates are anchors; 三种方式 is no target) and takes the
comparator words into its span (超过20%, 300个以上) and keeps the magnitude in the unit (1.03 亿元).

Usage: python benchmarks/quantity_recognisers.py [--data DIR]   (DIR: a built data/processed)
"""

from __future__ import annotations

import argparse
from collections import Counter

from policykit.analysis.quantities import find
from policykit.analysis.targets_parse import find_quantities
from policykit.api import load
from policykit.ingest.structure import split_sentences


def main() -> None:
    """Compare the two recognisers sentence by sentence and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="built tables (default data/processed)")
    args = parser.parse_args()
    documents = load("documents", data=args.data)
    both = same = 0
    only_flags: Counter[str] = Counter()
    only_targets: Counter[str] = Counter()
    overlapping = 0  # spans only the targets parser has that overlap a span of the number flags
    flag_units: Counter[str] = Counter()
    differ: Counter[tuple] = Counter()
    for text in documents.text:
        for start, end in split_sentences(text):
            sentence = text[start:end]
            flags = {(q.start, q.end): q for q in find(sentence)}
            values = {(q.start, q.end): q for q in find_quantities(sentence)}
            for span in flags.keys() & values.keys():
                both += 1
                a, b = flags[span], values[span]
                if a.value == b.value and a.unit.replace("x", "倍") == b.unit:
                    same += 1
                else:
                    differ[(a.text, a.value, a.unit, b.value, b.unit)] += 1
            for span in flags.keys() - values.keys():
                only_flags[flags[span].text] += 1
                flag_units[flags[span].unit.split(":")[0] or "(none)"] += 1
            for span in values.keys() - flags.keys():
                only_targets[values[span].text] += 1
                overlapping += any(s < span[1] and span[0] < e for s, e in flags)
    print(f"same span: {both} (same value and unit: {same}); only policykit.analysis.quantities: "
          f"{sum(only_flags.values())}; only policykit.analysis.targets_parse: {sum(only_targets.values())} "
          f"({overlapping} of them overlap a span of policykit.analysis.quantities)")
    print("only policykit.analysis.quantities, by unit:", flag_units.most_common(12))
    print("only policykit.analysis.quantities, examples:", only_flags.most_common(20))
    print("only policykit.analysis.targets_parse, examples:", only_targets.most_common(20))
    print("same span, other value or unit (text, value, unit | value, unit):", differ.most_common(8))


if __name__ == "__main__":
    main()
