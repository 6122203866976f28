"""The output folder: checked before any work, written atomically through a staging folder beside it."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from policykit.errors import InputError


def _staging_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.building-"


def _stale_re(out_dir: Path) -> re.Pattern:
    """Names of leftovers of killed builds of out_dir: staging folders (also tempfile's older naming)."""
    name = re.escape(out_dir.name)
    return re.compile(rf"^\.{name}(?:\.building-.+|\.old|-[a-z0-9_]{{8}}|-old)$")


def check_output(out_dir: Path) -> None:
    """Refuse, before any work, an output folder that cannot be written (one line naming it and why)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(out_dir, "the output folder is a file")
    probe = out_dir if out_dir.is_dir() else out_dir.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise InputError(out_dir, f"cannot create the output folder: {probe} is a file")
    try:  # a real write tells more than os.access (read-only file systems, root, ACLs)
        fd, name = tempfile.mkstemp(prefix=".policykit-probe-", dir=probe)
        os.close(fd)
        Path(name).unlink()
    except OSError as exc:
        raise InputError(out_dir, f"the output folder cannot be written ({exc.strerror or exc})") from None


def clean_stale(out_dir: Path) -> list[Path]:
    """Remove staging folders that killed builds of out_dir left beside it (call with the lock held)."""
    pattern = _stale_re(out_dir)
    removed = []
    if out_dir.parent.is_dir():
        for p in sorted(out_dir.parent.iterdir()):
            if pattern.match(p.name) and p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


@contextmanager
def staged_output(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside out_dir that replaces out_dir only if the block succeeds."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=_staging_prefix(out_dir), dir=out_dir.parent))
    try:
        yield tmp
        old = out_dir.with_name(f".{out_dir.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out_dir.exists():
            out_dir.replace(old)
        tmp.replace(out_dir)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def missing_parents(out_dir: Path) -> list[Path]:
    """The folders above out_dir that do not exist yet, innermost first."""
    missing = []
    for folder in out_dir.parents:
        if folder.exists():
            break
        missing.append(folder)
    return missing
