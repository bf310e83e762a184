"""The README's set-up as a new user on Debian 12 runs it (issue 28).

Debian 12 has `python3` and no `python`; its pip refuses the system's Python
(externally-managed-environment), so both commands use a virtual environment made with
`python3 -m venv` (Debian's python3-venv) and that environment's programs; its Node.js
is 18, so every npm tool in package-lock.json must run on it. CI (.ci/run) runs the same
two commands after its own apt step. The commands themselves were run in a bare Debian 12
made with debootstrap (docs/testing.md, tools/prove-setup-debian12.sh).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess

import pytest

from conftest import ROOT

DEBIAN_12_NODE = (18, 20, 4)  # nodejs 18.20.4+dfsg-1~deb12u1 and later in bookworm


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Set-up") : readme.index("## Commands")]
    block = section[section.index("```sh\n") + 6 :]
    block = block[: block.index("```")]
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def steps(command: str) -> list[list[str]]:
    return [shlex.split(step) for step in command.split(" && ")]


def test_the_readme_sets_up_in_two_commands_on_debian_12():
    commands = readme_commands()
    assert len(commands) == 2
    for command in commands:
        words = steps(command)
        programs = [w[1] if w[0] == "sudo" else w[0] for w in words]
        # Nothing Debian 12 lacks: no `python`, no `pip` of the system, no `sudo pip`.
        assert not {"python", "pip", "pip3", "ruff", "mypy", "pytest"} & set(programs), command
        assert all(p in ("apt-get", "python3", "npm") or p.startswith(".venv/bin/") for p in programs), programs
        # `apt-get update` before any `apt-get install`, in the same command.
        installs = [i for i, w in enumerate(words) if "apt-get" in w and "install" in w]
        updates = [i for i, w in enumerate(words) if "apt-get" in w and "update" in w]
        assert installs and updates and updates[0] < installs[0], command
        # python3 only makes the virtual environment.
        assert all(w[1:] == ["-m", "venv", ".venv"] for w in words if w[0] == "python3"), command
    first, second = (steps(c) for c in commands)
    assert ["sudo", "apt-get", "install", "-y", "python3-venv"] in first
    assert first.index(["python3", "-m", "venv", ".venv"]) < first.index(
        [".venv/bin/pip", "install", "-r", "requirements.txt"]
    )
    assert first[-1] == [".venv/bin/python", "build.py"]
    apt = next(w for w in second if w[:3] == ["sudo", "apt-get", "install"])
    assert {"nodejs", "npm", "chromium", "firefox-esr", "zbar-tools"} <= set(apt)
    assert ["npm", "ci"] in second and second[-1] == [".venv/bin/python", "-m", "pytest", "-q"]


def test_ci_runs_the_readme_commands_after_its_own_apt_step():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in readme_commands():
        rest = " && ".join(s for s in command.split(" && ") if not s.startswith("sudo apt-get"))
        assert rest in ci, f".ci/run does not run: {rest}"
    # ... and installs, where missing, every package that the README's commands install.
    packages = {p for group in re.findall(r"need_apt\+=\(([^)]*)\)", "\n".join(ci)) for p in group.split()}
    for command in readme_commands():
        apt = next(w for w in steps(command) if w[:3] == ["sudo", "apt-get", "install"])
        assert set(apt[4:]) <= packages, set(apt[4:]) - packages


def test_git_ignores_the_virtual_environment():
    run = subprocess.run(["git", "check-ignore", "-q", ".venv/bin/python"], cwd=ROOT)
    assert run.returncode == 0


def _satisfies(version: tuple[int, int, int], spec: str) -> bool:
    """Does `version` satisfy an npm `engines.node` range (the forms package-lock.json holds)?"""

    def parts(text: str) -> tuple[int, ...]:
        return tuple(int(x) for x in text.split(".") if x not in ("*", "x", ""))

    def one(term: str) -> bool:
        term = term.strip()
        if term in ("*", ""):
            return True
        comparators = re.findall(r"(>=|<=|>|<|\^|~|=)?\s*([\d.*x]+)", term)
        for op, ver in comparators:
            want = parts(ver)
            have = version[: len(want)]
            if op == ">=" and not version >= want + (0,) * (3 - len(want)):
                return False
            if op == ">" and not version > want + (0,) * (3 - len(want)):
                return False
            if op == "<" and not version < want + (0,) * (3 - len(want)):
                return False
            if op == "<=" and not have <= want:
                return False
            if op == "^" and not (version[0] == want[0] and version >= want + (0,) * (3 - len(want))):
                return False
            if op == "~" and not (version[:2] == (want + (0,))[:2] and version >= want + (0,) * (3 - len(want))):
                return False
            if op in ("", "=") and have != want:
                return False
        return True

    return any(one(alternative) for alternative in spec.split("||"))


def test_the_range_reader_reads_npm_ranges():
    assert _satisfies((18, 20, 4), ">=18") and not _satisfies((18, 20, 4), ">=20")
    assert _satisfies((18, 20, 4), "18 || 20 || >=22") and not _satisfies((18, 20, 4), "20 || >=22")
    assert _satisfies((18, 20, 4), "^12.20.0 || ^14.13.1 || >=16.0.0") and not _satisfies((18, 20, 4), "^16")
    assert _satisfies((18, 20, 4), ">=18.16") and not _satisfies((18, 20, 4), ">=20.18.1")
    assert _satisfies((18, 20, 4), "6.* || 8.* || >= 10.*") and _satisfies((18, 20, 4), "*")


@pytest.mark.parametrize("folder", [".", "bench/lighthouse"])
def test_every_npm_tool_runs_on_debian_12s_node(folder):
    """The locked npm packages all accept Debian 12's Node.js 18 (linkinator 7 wanted 20)."""
    lock = json.loads((ROOT / folder / "package-lock.json").read_text(encoding="utf-8"))
    wanting = {
        name: info["engines"]["node"]
        for name, info in lock["packages"].items()
        if isinstance(info.get("engines"), dict)
        and "node" in info["engines"]
        and not _satisfies(DEBIAN_12_NODE, info["engines"]["node"])
    }
    assert wanting == {}
    assert lock["lockfileVersion"] == 3  # Debian 12's npm 9 reads it
    declared = json.loads((ROOT / folder / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert declared == lock["packages"][""]["devDependencies"]


def test_the_tests_npm_tools_install_with_debian_12s_npm():
    """Debian 12's npm 9.2 stops `npm ci` on an override of a dependency asked for by a tag
    ("Invalid comparator: latest"): the tests' package has no overrides; Lighthouse, whose trace
    engine asks for 'latest', lives in bench/lighthouse/ with its own."""
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert "overrides" not in package
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    tags = [
        (name, dep, spec)
        for name, info in lock["packages"].items()
        for dep, spec in (info.get("dependencies") or {}).items()
        if re.fullmatch(r"[a-z][\w-]*", spec)
    ]
    assert tags == []
    assert set(package["devDependencies"]) == {"axe-core", "vnu-jar"}
