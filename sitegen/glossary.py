"""Finding glossary terms in running text: longest match first, never overlapping."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class Matcher:
    """Leftmost-longest matching of many literal forms, each mapped to a term slug.

    Forms are grouped by first character, longest first, so a scan costs one
    dictionary look-up per character plus a few `startswith` checks where a form
    could begin. A match is never found inside another match.
    """

    def __init__(self, forms: Iterable[tuple[str, str]]):
        by_first: dict[str, list[tuple[str, str]]] = {}
        for form, slug in forms:
            if form:
                by_first.setdefault(form[0], []).append((form, slug))
        self._by_first = {ch: sorted(entries, key=lambda e: -len(e[0])) for ch, entries in by_first.items()}

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, slug) of each occurrence in `text`, left to right."""
        i, n = 0, len(text)
        by_first = self._by_first
        while i < n:
            entries = by_first.get(text[i])
            if entries:
                for form, slug in entries:
                    if text.startswith(form, i):
                        yield i, i + len(form), slug
                        i += len(form)
                        break
                else:
                    i += 1
            else:
                i += 1
