"""Markdown: one configured markdown-it parser and the token passes the site needs.

The loader uses `parse_blocks` to split bodies into paragraphs (which gives
paragraph numbers and ids); the renderer uses `render_inline` with the glossary
pass, which wraps term occurrences in links on the token stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin

from .glossary import Matcher

# Inline token types an author may use; anything else (links, images, raw HTML)
# is made by the build or not allowed.
ALLOWED_INLINE = {"text", "softbreak", "em_open", "em_close", "strong_open", "strong_close"}


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    # html=True so that raw HTML becomes html_* tokens we can reject with a line
    # number, rather than being passed through or silently escaped.
    md = MarkdownIt("commonmark", {"html": True}).use(attrs_block_plugin)
    md.disable(["image", "autolink"])
    return md


def parse_blocks(markdown: str) -> list[Token]:
    return parser().parse(markdown)


def parse_inline(markdown: str) -> list[Token]:
    """The children of a single inline token for `markdown`."""
    tokens = parser().parseInline(markdown)
    return tokens[0].children or [] if tokens else []


def plain_text(children: Iterable[Token]) -> str:
    """The text a reader sees: markup removed; a soft line break joins (Chinese has no spaces)."""
    out = []
    for tok in children:
        if tok.type == "text":
            out.append(tok.content)
        elif tok.type == "hardbreak":
            out.append("\n")
    return "".join(out)


def disallowed_inline(children: Iterable[Token], allow_hardbreak: bool = False) -> str | None:
    """The first inline construct an author may not use here, described for an error."""
    for tok in children:
        if tok.type == "html_inline":
            return f"raw HTML is not allowed: {tok.content!r}"
        if tok.type == "hardbreak" and allow_hardbreak:
            continue
        if tok.type not in ALLOWED_INLINE:
            what = {"link_open": "a Markdown link", "code_inline": "inline code",
                    "hardbreak": "a hard line break"}.get(tok.type, tok.type)
            return f"{what} is not allowed here"
    return None


def link_terms(children: list[Token], matcher: Matcher, href: Callable[[str], str]) -> list[Token]:
    """Wrap the first occurrence of each term in a paragraph in a link to its page.

    Matching runs over each text token; an occurrence split by markup is still
    counted by the occurrence finder, but is not linked, since a link cannot
    straddle the markup.
    """
    linked: set[str] = set()
    out: list[Token] = []
    for tok in children:
        if tok.type != "text":
            out.append(tok)
            continue
        pos = 0
        for start, end, slug in matcher.find(tok.content):
            if slug in linked:
                continue
            linked.add(slug)
            if start > pos:
                out.append(_text(tok.content[pos:start]))
            link = Token("link_open", "a", 1)
            link.attrs = {"href": href(slug), "class": "term", "data-term": slug}
            out += [link, _text(tok.content[start:end]), Token("link_close", "a", -1)]
            pos = end
        out.append(_text(tok.content[pos:]) if pos else tok)
    return out


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def render_inline(markdown: str, matcher: Matcher | None = None,
                  href: Callable[[str], str] | None = None) -> str:
    md = parser()
    children = parse_inline(markdown)
    if matcher is not None and href is not None:
        children = link_terms(children, matcher, href)
    return md.renderer.render(children, md.options, {})
