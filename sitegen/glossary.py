"""Finding glossary terms in running text: longest match first, never overlapping."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


class Matcher:
    """Leftmost-longest matching of many literal forms, each mapped to a term slug.

    One regular expression of every form, longest first: at each place in the text the
    first alternative that matches is the longest form found there, and a match is
    never found inside another match. (The scan runs in `re`'s C code: a loop in
    Python over every character took half a second at 100 copies of the site.)
    """

    def __init__(self, forms: Iterable[tuple[str, str]]):
        self._slug_of: dict[str, str] = {}
        for form, slug in forms:
            if form:
                self._slug_of.setdefault(form, slug)  # a form listed twice: the first slug
        longest_first = sorted(self._slug_of, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, longest_first))) if longest_first else None

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, slug) of each occurrence in `text`, left to right."""
        if self._pattern is None:
            return
        for m in self._pattern.finditer(text):
            yield m.start(), m.end(), self._slug_of[m[0]]
