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
