"""Big stdlib ``re`` patterns, their compiled program kept between processes.

The recognisers' patterns are built from the models' word lists at load: the period, money and
percent grammars, the cue lists as tries, the script and t2s character classes. Stdlib ``re``
parses and compiles a pattern in Python, ~100 ms for these together in every process (each worker
of a batch), while the program it makes (a list of integers) changes only with the pattern. As
``disk_cache`` keeps parsed models, this keeps that program, and a later process hands it to
``_sre.compile``, the step ``re.compile`` ends with (~50x faster than parsing again).

``_sre.compile`` and the program's layout are CPython's own, not a public API: a program is
kept per Python version and ``_sre.MAGIC`` (which CPython changes with the layout), only on the
versions this was checked on, and anything unexpected falls back to ``re.compile``. The result
is the same pattern as ``re.compile`` gives (``==`` compares flags, pattern and program; the
tests check it for every pattern kept).
"""
from __future__ import annotations

import re
import sys

from pipeline import disk_cache

try:
    import _sre
    from re import _compiler, _parser
except ImportError:  # another Python: patterns are compiled as usual
    _sre = None

CHECKED_VERSIONS = ((3, 11), (3, 12), (3, 13))  # where _sre.compile takes what _program gives


def compile_kept(pattern: str, flags: int = 0, *, name: str) -> re.Pattern:
    """``re.compile(pattern, flags)``, its program read back when an earlier process kept it.
    ``name`` names the pattern's cache entry (one kept per name: give each pattern its own)."""
    if _sre is None or sys.version_info[:2] not in CHECKED_VERSIONS:
        return re.compile(pattern, flags)
    program = disk_cache.cached_by_key(f"re-{name}", (pattern, int(flags), _sre.MAGIC),
                                       lambda: _program(pattern, flags), tuple)
    try:
        return _sre.compile(pattern, *program)
    except (TypeError, ValueError, RuntimeError):  # not a program this _sre takes: compile as usual
        return re.compile(pattern, flags)


def _program(pattern: str, flags: int) -> tuple:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` after the pattern, as plain
    ints, lists, dicts and tuples (marshal writes no int subclass such as re's opcodes)."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for group_name, index in groupindex.items():
        indexgroup[index] = group_name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)
