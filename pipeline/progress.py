"""Progress on stderr: a tqdm bar on a terminal, a one-line log every few seconds otherwise.

Both show documents done, documents per second, errors so far and, when the number of
documents is known, the estimated time left. ``quiet`` silences both.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, *, quiet: bool = False, total: int | None = None, every: float = 10.0,
                 stream: TextIO | None = None, initial: int = 0):
        self.quiet = quiet
        self.total = total
        self.stream = stream or sys.stderr
        self.count = initial
        self.initial = initial
        self.errors = 0
        self.started = time.perf_counter()
        self.last_log = self.started
        self.every = every
        self.bar = None
        if not quiet and _isatty(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=initial, unit="doc", file=self.stream, dynamic_ncols=True,
                            smoothing=0.1)

    def update(self, n: int = 1, *, errors: int = 0) -> None:
        self.count += n
        self.errors = errors
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(n)
            self.bar.set_postfix(errors=errors, refresh=False)
            return
        now = time.perf_counter()
        if now - self.last_log >= self.every:
            self.last_log = now
            self.log(now)

    def line(self, now: float | None = None) -> str:
        now = time.perf_counter() if now is None else now
        done = self.count - self.initial
        rate = done / max(now - self.started, 1e-9)
        text = f"capex: {self.count}"
        if self.total:
            text += f"/{self.total}"
        text += f" documents, {rate:.1f} docs/s, {self.errors} errors"
        if self.total and rate > 0 and self.count <= self.total:
            text += f", ETA {_clock((self.total - self.count) / rate)}"
        return text

    def log(self, now: float | None = None) -> None:
        print(self.line(now), file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif not self.quiet and self.count > self.initial and time.perf_counter() - self.started >= self.every:
            self.log()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
