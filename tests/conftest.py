"""Shared test helpers: where ../shared is, and a skip marker for when it is absent."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline import disk_cache

# The pipeline keeps derived data between processes (pipeline.disk_cache): a test session gets
# a cache of its own (its first load builds, the processes it starts read), not the user's.
if disk_cache.ENV not in os.environ:
    os.environ[disk_cache.ENV] = tempfile.mkdtemp(prefix="capex-test-cache-")
    atexit.register(shutil.rmtree, os.environ[disk_cache.ENV], ignore_errors=True)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"

needs_shared = pytest.mark.skipif(not (SHARED / "dev" / "gold.jsonl").exists(),
                                  reason="../shared is not beside this checkout")
