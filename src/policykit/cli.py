"""The `policykit` command: thin wrappers around the library.

Every sub-command is an argparse sub-parser defined here (`_add_<command>`) with a handler (`_<command>`)
that imports the module it runs, so parsing the command line, `policykit` alone and `--help` import no
pipeline stage.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from policykit import __version__, config
from policykit.errors import InputError, InputWarning


def _build(args: argparse.Namespace) -> int:
    """Rebuild the tables (or restore them from the build cache); print what was written."""
    from policykit.build import build

    result = build(args.raw, args.out, args.catalog, progress=not args.quiet, use_cache=not args.no_cache,
                   scheduler=args.scheduler, keep_going=args.keep_going, csv=args.csv, scratch=args.scratch)
    if result.skipped:  # printed even with -q, which only turns progress off
        print(f"policykit: skipped {len(result.skipped)} file(s) (listed in the sources table, status skipped):",
              file=sys.stderr)
        for name, reason in result.skipped:
            print(f"  {name}: {reason}", file=sys.stderr)
    if result.cached:
        if not args.quiet:
            print(f"policykit: raw files, catalog and code unchanged: {len(result.files)} files restored from the "
                  f"build cache into {Path(args.out or 'data/processed')} (--no-cache rebuilds)")
    elif not args.quiet:
        counts = ", ".join(f"{n} {rows}" for n, rows in sorted(result.rows.items()))
        print(f"policykit: wrote {len(result.files)} files to {Path(args.out or 'data/processed')} ({counts})")
    if args.timings and result.timings:
        times = ", ".join(f"{name} {s:.1f}" for name, s in result.timings.items())
        print(f"policykit: seconds per stage: {times}", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    """Read every file of a raw folder as the build would; print one line per file not read; exit 1 if any is bad."""
    from policykit.ingest.sources import read_raw

    sources, skipped = read_raw(args.raw or config.RAW_DIR, keep_going=True)
    for s in skipped:
        print(f"{s.name}: {s.reason}")
    bad = sum(s.bad for s in skipped)
    print(f"policykit: {len(sources)} file(s) readable, {len(skipped) - bad} skipped, {bad} cannot be read",
          file=sys.stderr)
    return 1 if bad else 0


def _list(args: argparse.Namespace) -> int:
    """Print the published tables (rows, title) and/or the documents (id, kind, date, title)."""
    from policykit.api import TableNotFoundError, load, table_rows
    from policykit.schema import TABLES

    what = args.what or ["tables", "documents"]
    unknown = sorted(set(what) - {"tables", "documents"})
    if unknown:  # checked here: argparse refuses an empty list when nargs="*" has choices
        raise InputError("policykit list", f"unknown {', '.join(unknown)}; choose tables and/or documents")
    if "tables" in what:
        print("table             rows  title")
        for name, spec in TABLES.items():
            try:
                rows = str(table_rows(name, args.data))
            except TableNotFoundError:
                rows = "-"
            print(f"{name:<16}{rows:>6}  {spec.title}")
    if "documents" in what:
        if len(what) > 1:
            print()
        docs = load("documents", data=args.data)
        width = max([len("doc_id"), *docs["doc_id"].str.len()]) + 2
        print(f"{'doc_id':<{width}}{'kind':<16}{'date':<12}title")
        for row in docs.sort_values("doc_id").itertuples():
            date = row.date if isinstance(row.date, str) else (row.period if isinstance(row.period, str) else "-")
            print(f"{row.doc_id:<{width}}{row.kind:<16}{date:<12}{row.title}")
    return 0


def _kwic(args: argparse.Namespace) -> int:
    """Print the keyword-in-context lines of a term, one per line with its document and provision."""
    from policykit.api import kwic

    lines = kwic(args.term, args.doc, args.window, data=args.data)
    for row in lines.itertuples():
        print(f"{row.doc_id}:{row.provision_id}\t{row.left}【{row.keyword}】{row.right}")
    if not args.quiet:
        print(f"{len(lines)} line(s) of {args.term}", file=sys.stderr)
    return 0


def _figures(args: argparse.Namespace) -> int:
    """Run the notebooks with papermill into the reports folder (a failure is an InputError naming the cell)."""
    from policykit.present.figures import parse_parameters, run_notebooks

    names = [*args.names, *args.more_names]
    folder = Path(args.notebooks_dir or config.NOTEBOOKS_DIR)
    if not folder.is_dir() or not any(folder.glob("*.ipynb")):
        raise InputError(folder, "no notebooks here: `policykit figures` runs the notebooks of a checkout of the "
                                 "project (run it there, or pass --notebooks-dir DIR)")
    paths = run_notebooks(names, parse_parameters(args.parameter), args.parameter_file, args.out,
                          notebooks_dir=args.notebooks_dir, progress=not args.quiet)
    if not paths:
        raise InputError(folder, "no notebook was run (check the names given)")
    print(f"{len(paths)} notebook(s) executed into {Path(args.out) / 'notebooks'}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    """Compare two versions of a document: a terminal table, or a summary and an HTML page."""
    from policykit.analysis import align
    from policykit.api import load
    from policykit.present import diffview

    threshold = align.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    documents = load("documents", data=args.data)
    provisions = load("provisions", data=args.data)
    cmp = diffview.comparison(documents, provisions, args.draft_id, args.final_id, threshold)
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(diffview.render_html(cmp), encoding="utf-8")
        print("\n".join(diffview.summary_lines(cmp)))
        print(f"wrote {args.html}")
    else:
        sys.stdout.write(diffview.render_text(cmp))
    return 0


def _release(args: argparse.Namespace) -> int:
    """Write the release archive (and the DuckDB database beside it); print their paths and the checksum."""
    from policykit.publish.release import build_release

    result = build_release(args.data, args.dist, duckdb_file=not args.no_duckdb)
    print(f"{result.archive}")
    print(f"sha256 {result.sha256}")
    if result.duckdb is not None:
        print(f"{result.duckdb} (DuckDB database; not byte-reproducible, rebuild with policykit.sql)")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    """Score the tables against the gold sets, print the scores; exit 1 if a threshold is not met."""
    from policykit.evaluation import TASKS, gold_dir, run, to_markdown

    unknown = sorted(set(args.task or ()) - set(TASKS))
    if unknown:
        raise InputError("policykit evaluate", f"no task {', '.join(unknown)}; tasks: {', '.join(TASKS)}")
    sections = run(args.data, args.gold, tuple(args.task) if args.task else None)
    if not sections:
        print(f"policykit: no gold set to evaluate against in {args.gold or gold_dir()}")
        return 1
    for s in sections:
        print(f"\n{s.title}")
        shown = next(t for t in (s.display, s.summary, s.scores) if t is not None)
        print(shown.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        for line in s.failures():
            print(f"  below threshold: {line}")
    if args.write:
        Path(args.write).write_text(to_markdown(sections), encoding="utf-8")
        print(f"\npolicykit: wrote {args.write}")
    return 1 if any(s.failures() for s in sections) else 0


DATA_HELP = "folder of published tables or release archive (default $POLICYKIT_DATA or data/processed)"
DIFF_THRESHOLD = 0.45
"""The default of diff --threshold, shown in --help without importing the stage (a test keeps it equal to
policykit.analysis.align.DEFAULT_THRESHOLD)."""


def _add_build(sub: argparse._SubParsersAction) -> None:
    """The `build` sub-command."""
    b = sub.add_parser("build", help="rebuild the published tables from the raw files",
                       description="Rebuild the published tables (data/processed) from the raw files; a bad input "
                                   "file is a one-line error and nothing already built is lost.")
    b.add_argument("--raw", type=Path, default=None, metavar="DIR",
                   help="folder of documents, read with its sub-folders (default data/raw)")
    b.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default data/processed)")
    b.add_argument("--catalog", type=Path, default=None, metavar="TOML",
                   help="curated catalog (default data/catalog.toml, if there is one)")
    b.add_argument("-k", "--keep-going", action="store_true",
                   help="skip files that cannot be read (listed with their reason) and build the rest")
    b.add_argument("--csv", action="store_true", help="write a CSV copy beside each Parquet table")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    b.add_argument("--no-cache", action="store_true", help="rebuild even if raw files, catalog and code are unchanged")
    b.add_argument("--timings", action="store_true", help="print the seconds each stage took (on stderr)")
    b.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the analysis stages on the Dask cluster of this scheduler (e.g. tcp://10.0.0.5:8786; "
                        "default $POLICYKIT_SCHEDULER); needs pip install 'policykit[cluster]'")
    b.add_argument("--scratch", default=None, metavar="PATH_OR_URL",
                   help="with --scheduler: the folder or fsspec URL (e.g. s3://bucket/tmp) where the workers read "
                        "their inputs and write their results, seen by this machine and every worker (default "
                        "$POLICYKIT_SCRATCH, else a folder beside the output, for a cluster on this machine)")
    b.set_defaults(func=_build)


def _add_check(sub: argparse._SubParsersAction) -> None:
    """The `check` sub-command."""
    c = sub.add_parser("check", help="list the files of a raw folder that the build would skip or cannot read",
                       description="Read every file of a raw folder (and its sub-folders) as `policykit build` "
                                   "would, without building: one line per file not read (file: reason). Exit 1 "
                                   "if a file cannot be read.")
    c.add_argument("--raw", type=Path, default=None, metavar="DIR", help="folder of documents (default data/raw)")
    c.set_defaults(func=_check)


def _add_list(sub: argparse._SubParsersAction) -> None:
    """The `list` sub-command."""
    ls = sub.add_parser("list", help="list the published tables and the documents",
                        description="List the published tables with their number of rows, and the documents with "
                                    "their kind, date and title.")
    ls.add_argument("what", nargs="*", metavar="WHAT", help="tables and/or documents (default both)")
    ls.add_argument("--data", type=Path, default=None, metavar="PATH", help=DATA_HELP)
    ls.set_defaults(func=_list)


def _add_kwic(sub: argparse._SubParsersAction) -> None:
    """The `kwic` sub-command."""
    k = sub.add_parser("kwic", help="keyword in context: every occurrence of a term with its document and provision",
                       description="Print every occurrence of TERM (a word or a run of whole words, as jieba splits "
                                   "the text) with its context, as doc_id:provision_id, left【term】right.")
    k.add_argument("term", metavar="TERM", help="the term, e.g. 授权运营")
    k.add_argument("--doc", action="append", metavar="DOC_ID", help="only this document (repeatable)")
    k.add_argument("--window", type=int, default=20, metavar="N", help="characters of context each side (default 20)")
    k.add_argument("--data", type=Path, default=None, metavar="PATH", help=DATA_HELP)
    k.add_argument("-q", "--quiet", action="store_true", help="no count line on stderr")
    k.set_defaults(func=_kwic)


def _add_figures(sub: argparse._SubParsersAction) -> None:
    """The `figures` sub-command."""
    f = sub.add_parser(
        "figures", help="run the notebooks and write reports/",
        description="Run every notebook in notebooks/ through papermill; write executed notebooks to "
                    "reports/notebooks/ and figures to reports/figures/<notebook>/. A run with parameters (-p or "
                    "--parameter-file) writes its figures to reports/figures/<notebook>/<variant>/, only those "
                    "the parameters change.")
    f.add_argument("names", nargs="*", metavar="NOTEBOOK", help="run only these notebooks (e.g. 01_corpus)")
    f.add_argument("-n", "--notebook", action="append", dest="more_names", metavar="NAME", default=[],
                   help="run only this notebook (the same as NOTEBOOK); repeatable")
    f.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="override a parameter (YAML scalar or JSON list); repeatable")
    f.add_argument("--parameter-file", type=Path, metavar="TOML",
                   help="batch variants: [[run]] tables with notebook, parameters and suffix")
    f.add_argument("-o", "--out", type=Path, default=config.REPORTS_DIR, metavar="DIR",
                   help="reports folder (default reports/)")
    f.add_argument("--notebooks-dir", type=Path, default=None, metavar="DIR",
                   help="folder of the notebooks (default notebooks/ of the checkout)")
    f.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    f.add_argument("--no-progress", action="store_true", dest="quiet", help=argparse.SUPPRESS)  # older spelling
    f.set_defaults(func=_figures)


def _add_diff(sub: argparse._SubParsersAction) -> None:
    """The `diff` sub-command."""
    d = sub.add_parser(
        "diff", help="compare two versions of a document (a draft with its final text, say)",
        description="Align the provisions of an older version (a draft) with those of a newer one (the final "
                    "document) and show what changed. Pairs of consecutive versions: the documents table's "
                    "family_id and version columns.")
    d.add_argument("draft_id", metavar="DRAFT_ID", help="doc_id of the older version (see `policykit list documents`)")
    d.add_argument("final_id", metavar="FINAL_ID", help="doc_id of the newer version")
    d.add_argument("--data", metavar="PATH", type=Path, default=None, help=DATA_HELP)
    d.add_argument("--html", metavar="FILE", type=Path, help="write a self-contained HTML page to FILE")
    d.add_argument("--threshold", metavar="X", type=float, default=None,
                   help=f"similarity needed to pair two provisions, 0-1 (default {DIFF_THRESHOLD})")
    d.set_defaults(func=_diff)


def _add_release(sub: argparse._SubParsersAction) -> None:
    """The `release` sub-command."""
    r = sub.add_parser("release", help="write the reproducible archive of the published tables")
    r.add_argument("--data", type=Path, default=None, metavar="DIR",
                   help="folder of published tables (default $POLICYKIT_DATA or data/processed)")
    r.add_argument("--processed", type=Path, dest="data", help=argparse.SUPPRESS)  # older spelling
    r.add_argument("--dist", type=Path, default=None, metavar="DIR", help="output folder (default dist)")
    r.add_argument("--no-duckdb", action="store_true", help="do not write the DuckDB database beside the archive")
    r.set_defaults(func=_release)


def _add_evaluate(sub: argparse._SubParsersAction) -> None:
    """The `evaluate` sub-command."""
    e = sub.add_parser("evaluate", help="precision, recall and F1 of the tables against the gold sets",
                       description="Score the published tables against the hand-labelled gold sets in "
                                   "data/gold and (with --write) publish the figures in docs/quality.md.")
    e.add_argument("--data", type=Path, default=None, metavar="PATH", help=DATA_HELP)
    e.add_argument("--gold", type=Path, default=None, metavar="DIR", help="gold sets (default data/gold)")
    e.add_argument("--task", action="append", metavar="TASK",
                   help="evaluate only this task, e.g. targets (repeatable; default every task with a gold set)")
    e.add_argument("--write", type=Path, default=None, nargs="?", const=config.ROOT / "docs" / "quality.md",
                   help="write the report as Markdown (default path docs/quality.md)")
    e.set_defaults(func=_evaluate)


SUBCOMMANDS = (_add_build, _add_check, _add_list, _add_kwic, _add_figures, _add_diff, _add_release, _add_evaluate)


def parser() -> argparse.ArgumentParser:
    """The argument parser of the policykit command: one sub-parser a command, its module imported when it runs."""
    p = argparse.ArgumentParser(prog="policykit", description="China's data-element policy documents as tidy tables.")
    p.add_argument("--version", action="version", version=f"policykit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    _describe(sub)
    return p


def _describe(sub: argparse._SubParsersAction) -> None:
    """Give every sub-command without a description its one-line help as description (for `--help`)."""
    helps = {a.dest: a.help for a in sub._choices_actions}
    for name, command in sub.choices.items():
        if not command.description and helps.get(name):
            command.description = helps[name][0].upper() + helps[name][1:] + "."


class LineProgress:
    """A text stream for progress bars written to a file or pipe: each refresh becomes one new line.

    Progress bars redraw themselves with carriage returns, which a log file shows as one long line of
    overwritten text; here each distinct refresh is written once, ending in a newline.
    """

    def __init__(self, stream: IO[str]) -> None:
        """Wrap stream (the real stderr)."""
        self.stream = stream
        self._last = ""
        self._pending = ""

    def write(self, text: str) -> int:
        """Write text with carriage returns turned into line ends, without blank or repeated lines."""
        parts = (self._pending + text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._pending = parts.pop()
        for line in parts:
            line = line.rstrip()
            if line and line != self._last:
                self.stream.write(line + "\n")
                self._last = line
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream (a partial line waits for its end)."""
        self.stream.flush()

    def isatty(self) -> bool:
        """Never a terminal."""
        return False

    def __getattr__(self, name: str) -> object:
        """Everything else (encoding, fileno ...) from the wrapped stream."""
        return getattr(self.stream, name)


@contextmanager
def _line_progress() -> Iterator[None]:
    """While the command runs, progress written to a non-terminal stderr has no carriage returns."""
    if sys.stderr.isatty():
        yield
        return
    real = sys.stderr
    wrapper = LineProgress(real)
    sys.stderr = wrapper
    try:
        yield
    finally:
        if wrapper._pending.strip():
            wrapper.write("\n")
        sys.stderr = real


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Input warnings as one line on stderr; other warnings as Python shows them."""
    if issubclass(category, InputWarning):
        print(f"policykit: warning: {message}", file=sys.stderr, flush=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    """Run the command; bad input is one line on stderr and exit code 1, never a traceback."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        parser().print_help()
        return 0
    args = parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        with _line_progress():
            return int(args.func(args) or 0)
    except InputError as exc:
        print(f"policykit: error: {exc}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] == "policykit":
            raise
        extra = "notebooks" if args.command == "figures" else "build"
        print(f"policykit: error: `policykit {args.command}` needs {exc.name}, which is not installed: "
              f"pip install 'policykit[{extra}]'", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (`policykit kwic … | head`): no traceback, and no second error when Python
        # flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141  # as a process killed by SIGPIPE
    except KeyboardInterrupt:
        # the progress line was closed on the way out: this message is a line of its own
        detail = ": the running stages were cancelled; the output folder is unchanged"
        print(f"policykit: interrupted{detail if args.command == 'build' else ''}", file=sys.stderr)
        return 130
    finally:
        warnings.showwarning = _default_showwarning


if __name__ == "__main__":
    sys.exit(main())
