"""Shared test helpers: where ../shared is, and a skip marker for when it is absent."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"

needs_shared = pytest.mark.skipif(not (SHARED / "dev" / "gold.jsonl").exists(),
                                  reason="../shared is not beside this checkout")
