"""Work shared among processes gives what one process gives: each case of parallel_cases.py
runs in a fresh interpreter (see there why)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from . import parallel_cases

HERE = Path(__file__).resolve().parent
CASES = [
    name
    for name, value in vars(parallel_cases).items()
    if callable(value) and not name.startswith("_") and value.__module__ == parallel_cases.__name__
]


@pytest.mark.parametrize("case", CASES)
def test_in_a_process_without_threads(case, tmp_path):
    path = os.pathsep.join([str(HERE), str(HERE.parent), str(HERE.parents[1])])
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import pathlib, parallel_cases; parallel_cases.{case}(pathlib.Path({str(tmp_path)!r}))",
        ],
        cwd=HERE.parents[1],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
