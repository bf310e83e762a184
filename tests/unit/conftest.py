"""Fast tests of the stages, in process and without a browser: `python -m pytest tests/unit`."""

from __future__ import annotations

import pytest
from .unit_support import TESTS, link, load


@pytest.fixture(scope="session")
def real_site():
    """The real content, loaded and linked once."""
    root = TESTS.parent
    site, problems = load.load_site(root / "site.yaml", root / "content")
    links = link.link_site(site, problems)
    assert not problems.errors, problems.errors
    return site, links
