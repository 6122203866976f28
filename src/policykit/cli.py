"""The `policykit` command: thin wrappers around the library."""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from . import __version__
from .errors import InputError, InputWarning

# Modules that add their own sub-command through register_cli(subparsers).
PLUGIN_MODULES = ("policykit.figures", "policykit.diffview", "policykit.release", "policykit.evaluation")


def _build(args: argparse.Namespace) -> int:
    from .build import build

    result = build(args.raw, args.out, args.catalog, progress=not args.quiet, use_cache=not args.no_cache,
                   scheduler=args.scheduler)
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


def _list(args: argparse.Namespace) -> int:
    """Print the published tables (rows, title) and/or the documents (id, kind, date, title)."""
    from .api import TableNotFoundError, load, read_arrow
    from .schema import TABLES

    what = args.what or ["tables", "documents"]
    unknown = sorted(set(what) - {"tables", "documents"})
    if unknown:  # checked here: argparse refuses an empty list when nargs="*" has choices
        raise InputError("policykit list", f"unknown {', '.join(unknown)}; choose tables and/or documents")
    if "tables" in what:
        print("table             rows  title")
        for name, spec in TABLES.items():
            try:
                rows = str(read_arrow(name, args.data).num_rows)
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
    from .api import kwic

    lines = kwic(args.term, args.doc, args.window, data=args.data)
    for row in lines.itertuples():
        print(f"{row.doc_id}:{row.provision_id}\t{row.left}【{row.keyword}】{row.right}")
    if not args.quiet:
        print(f"{len(lines)} line(s) of {args.term}", file=sys.stderr)
    return 0


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the policykit command (plug-ins loaded only for their own command)."""
    p = argparse.ArgumentParser(prog="policykit", description="China's data-element policy documents as tidy tables.")
    p.add_argument("--version", action="version", version=f"policykit {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = sub.add_parser("build", help="rebuild the published tables from the raw files",
                       description="Rebuild the published tables (data/processed) from the raw files; a bad input "
                                   "file is a one-line error and nothing already built is lost.")
    b.add_argument("--raw", type=Path, default=None, help="raw folder (default data/raw)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default data/processed)")
    b.add_argument("--catalog", type=Path, default=None, help="curated catalog (default data/catalog.toml)")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    b.add_argument("--no-cache", action="store_true", help="rebuild even if raw files, catalog and code are unchanged")
    b.add_argument("--timings", action="store_true", help="print the seconds each stage took (on stderr)")
    b.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the analysis stages on the Dask cluster of this scheduler (e.g. tcp://10.0.0.5:8786); "
                        "needs pip install 'policykit[cluster]'")
    b.set_defaults(func=_build)
    ls = sub.add_parser("list", help="list the published tables and the documents",
                        description="List the published tables with their number of rows, and the documents with "
                                    "their kind, date and title.")
    ls.add_argument("what", nargs="*", metavar="WHAT",
                    help="tables and/or documents (default both)")
    ls.add_argument("--data", type=Path, default=None, metavar="PATH",
                    help="folder of published tables or release archive (default $POLICYKIT_DATA or data/processed)")
    ls.set_defaults(func=_list)
    k = sub.add_parser("kwic", help="keyword in context: every occurrence of a term with its document and provision",
                       description="Print every occurrence of TERM (a word or a run of whole words, as jieba splits "
                                   "the text) with its context, as doc_id:provision_id, left【term】right.")
    k.add_argument("term", metavar="TERM", help="the term, e.g. 授权运营")
    k.add_argument("--doc", action="append", metavar="DOC_ID", help="only this document (repeatable)")
    k.add_argument("--window", type=int, default=20, metavar="N", help="characters of context each side (default 20)")
    k.add_argument("--data", type=Path, default=None, metavar="PATH",
                   help="folder of published tables or release archive (default $POLICYKIT_DATA or data/processed)")
    k.add_argument("-q", "--quiet", action="store_true", help="no count line on stderr")
    k.set_defaults(func=_kwic)
    for name in PLUGIN_MODULES:
        if command == "build":
            break
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register_cli(sub)
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
    args = parser(argv[0]).parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        with _line_progress():
            return int(args.func(args) or 0)
    except InputError as exc:
        print(f"policykit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # the progress line was closed on the way out: this message is a line of its own
        detail = ": the running stages were cancelled; the output folder is unchanged"
        print(f"policykit: interrupted{detail if args.command == 'build' else ''}", file=sys.stderr)
        return 130
    finally:
        warnings.showwarning = _default_showwarning


if __name__ == "__main__":
    sys.exit(main())
