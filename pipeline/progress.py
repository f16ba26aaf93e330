"""Progress on stderr: a tqdm bar on a terminal, a one-line log every few seconds otherwise."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, *, quiet: bool = False, total: int | None = None, every: float = 10.0):
        self.quiet = quiet
        self.count = 0
        self.errors = 0
        self.started = time.perf_counter()
        self.last_log = self.started
        self.every = every
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def update(self, *, errors: int = 0) -> None:
        self.count += 1
        self.errors = errors
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(errors=errors, refresh=False)
            return
        now = time.perf_counter()
        if now - self.last_log >= self.every:
            self.last_log = now
            rate = self.count / max(now - self.started, 1e-9)
            print(f"capex: {self.count} documents, {rate:.1f} docs/s, {errors} errors", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
