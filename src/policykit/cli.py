"""The `policykit` command: thin wrappers around the library."""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from pathlib import Path

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
        counts = ", ".join(f"{n} {len(t)}" for n, t in sorted(result.tables.items()))
        print(f"policykit: wrote {len(result.files)} files to {Path(args.out or 'data/processed')} ({counts})")
    if args.timings and result.timings:
        times = ", ".join(f"{name} {s:.1f}" for name, s in result.timings.items())
        print(f"policykit: seconds per stage: {times}", file=sys.stderr)
    return 0


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the policykit command (plug-ins loaded only for their own command)."""
    p = argparse.ArgumentParser(prog="policykit", description="China's data-element policy documents as tidy tables.")
    p.add_argument("--version", action="version", version=f"policykit {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="rebuild the published tables from the raw files")
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
    return p


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
    args = parser(argv[0] if argv else None).parse_args(argv)
    warnings.showwarning = _show_warning
    try:
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
