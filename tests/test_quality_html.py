"""Gate: every built page passes the Nu Html Checker with zero errors (docs/architecture.md#quality-bars).

The checker is npm's `vnu-jar` (pinned in package.json), run with Java.
"""

from __future__ import annotations

import json
import subprocess

from quality_support import java, node_tool


def test_every_page_passes_the_nu_html_checker(site_dir):
    jar = node_tool("vnu-jar/build/dist/vnu.jar")
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 100, f"only {len(pages)} pages built"
    run = subprocess.run(
        [java(), "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html", str(site_dir)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(
            f"the Nu checker gave no JSON report (exit {run.returncode}):\n{run.stderr[-2000:]}{run.stdout[-2000:]}"
        ) from None
    errors = [
        f"{m.get('url', '?').split(site_dir.name + '/', 1)[-1]}:{m.get('lastLine', '?')}: "
        f"{m['type']}: {m.get('message', '')}"
        for m in messages
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal"
    ]
    assert not errors, f"{len(errors)} Nu Html Checker error(s):\n" + "\n".join(errors[:50])
    assert run.returncode == 0, run.stderr[-2000:]
