"""What the benchmark scripts print about the machine, so busy-machine figures can be told apart."""

from __future__ import annotations

import os
from pathlib import Path


def machine_load() -> str:
    """Load average and CPU pressure: figures taken on a busy machine are not comparable."""
    text = f"load average {os.getloadavg()[0]:.1f}"
    try:
        some = Path("/proc/pressure/cpu").read_text().split()[1]  # avg10=…
        text += f", CPU pressure {some.replace('avg10=', '')} % (10 s)"
    except (OSError, IndexError):
        pass
    return text


def python_env() -> dict[str, str]:
    """The environment for `python build.py` as a user runs it: Python's default of keeping
    compiled modules in __pycache__. A sandbox that sets PYTHONDONTWRITEBYTECODE makes every
    run compile sitegen from source (about 40 ms here), which no user's machine does."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# --- the peer: Hugo building the same pages (docs/architecture.md#quality-bars states speed as a ratio to it) ---------

PEERS = Path(__file__).resolve().parents[2] / "shared" / "peers" / "make_peer_sites.py"


def ensure_hugo() -> str:
    """The `hugo` binary, installed from Debian's package where it is missing (as root)."""
    import shutil
    import subprocess

    found = shutil.which("hugo")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("hugo could not be installed")
    return found


def hugo_site(project: Path, work: Path, copies: int = 1):
    """Write the Hugo equivalent of `project`'s documents (shared/peers) and return a function
    that builds it once and returns (wall seconds, pages)."""
    import subprocess
    import sys
    import time

    hugo = ensure_hugo()
    subprocess.run(
        [sys.executable, str(PEERS), str(project), str(work), "--copies", str(copies)],
        check=True,
        stdout=subprocess.DEVNULL,
    )

    def build() -> tuple[float, int]:
        out = work / "hugo-out"
        started = time.perf_counter()
        subprocess.run(
            [hugo, "--quiet", "-s", str(work / "hugo"), "-d", str(out)], check=True, stdout=subprocess.DEVNULL
        )
        wall = time.perf_counter() - started
        return wall, sum(1 for _ in out.rglob("*.html"))

    return build
