"""Data derived from a file, kept between processes: parsed models/*.yaml, the word sets read
from jieba's dictionary; and data derived from a value (``cached_by_key``): the programs of big
regular expressions (:mod:`pipeline.compiled_re`), the script classes of :mod:`pipeline.encoding`.

Every process that extracts (each worker of a batch) loads the same data, and a few loads are
most of its start: parsing companies.yaml (~90 ms; PyYAML builds its objects in Python) and
reading jieba's 349,000-line dictionary into the word sets the rules ask about (~160 ms). Their
results change only when their source file does. As jieba keeps its own dictionary model in a
cache file, a result is kept in a file under the user's cache directory (``CAPEX_CACHE_DIR``,
else ``$XDG_CACHE_HOME/capex-pipeline``, else ``~/.cache/capex-pipeline``; ``off`` turns the
cache off), read back with ``marshal`` in a fraction of the time. Its name holds a digest of the
source file's path, size and modification time, what was derived and how (``what``, which a
caller changes with its code), this module's FORMAT and the Python version (marshal's format is
Python's), so a changed source or builder is never served an old result.

Nothing here may cost a result: a cache file that cannot be read, holds something else or
cannot be written (read-only home, full disk) means the data is built as without a cache, and a
result marshal cannot write (a date in a YAML file) is returned and not kept. Files are written
to a temporary name and renamed, so a process reading one never sees half a file.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

FORMAT = 1  # the cache files' layout; changing it retires every file written before
ENV = "CAPEX_CACHE_DIR"
OFF = ("", "off", "0", "false", "no")

T = TypeVar("T")


def cache_dir() -> Path | None:
    """Where results are kept (None: the cache is off)."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "capex-pipeline"


def cached(what: str, source: Path, build: Callable[[], T], kind: type) -> T:
    """``build()``, or what it returned before for the same ``source`` file (unchanged since) and
    the same ``what``; ``kind`` is the type a result has (a file holding anything else is
    rebuilt)."""
    try:
        stat = Path(source).stat()
    except OSError:
        return build()  # the builder reports a missing source in its own words
    return cached_by_key(what, (str(Path(source).resolve()), stat.st_size, stat.st_mtime_ns), build, kind)


def cached_by_key(what: str, key: object, build: Callable[[], T], kind: type) -> T:
    """``build()``, or what it returned before for the same ``what`` and ``key`` (its repr: what
    the result is derived from, e.g. a pattern's text; a result is kept for the newest ``key`` of
    each ``what``)."""
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(repr((FORMAT, what, key, sys.version_info[:2])).encode("utf-8")).hexdigest()[:24]
    stem = _safe_name(what)
    path = folder / f"{stem}@{digest}.marshal"
    found = _read(path)
    if found is not _UNREAD and isinstance(found, kind):
        return found
    value = build()
    _write(path, value, stem)
    return value


_UNREAD = object()  # what _read gives for a file it could not read (None is a result like any other)


def _read(path: Path) -> object:
    try:
        with open(path, "rb") as handle:
            return marshal.loads(handle.read())  # marshal.load reads a file piece by piece: ~10x slower
    except (OSError, EOFError, ValueError, TypeError):
        return _UNREAD


def _write(path: Path, value: object, stem: str) -> None:
    try:
        data = marshal.dumps(value)
    except ValueError:  # marshal cannot write it (a date, a custom object): not kept
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
        _forget_older(path, stem)
    except OSError:
        return  # a read-only or full disk: the next process builds it again


def _forget_older(kept: Path, stem: str) -> None:
    """Remove the results of ``stem`` for earlier versions of its source (they are never read
    again). A process still reading one has it open; a process about to read one rebuilds."""
    for old in kept.parent.glob(f"{stem}@*.marshal"):
        if old != kept:
            try:
                old.unlink()
            except OSError:
                pass


def _safe_name(what: str) -> str:
    """``what`` as a file name's stem: its letters, digits and -_. (no "@": it separates the
    stem from the digest), and a digest of the whole, so that two ``what`` never share a stem."""
    readable = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in what)[:60]
    return f"{readable}-{hashlib.sha256(what.encode('utf-8')).hexdigest()[:8]}"
