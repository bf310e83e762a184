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
    md = MarkdownIt("commonmark", {"html": True}).use(attrs_block_plugin).enable("table")
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
            what = {"link_open": "a Markdown link", "code_inline": "inline code", "hardbreak": "a hard line break"}.get(
                tok.type, tok.type
            )
            return f"{what} is not allowed here"
    return None


def link_terms(
    children: list[Token], matcher: Matcher, href: Callable[[str], str], linked: set[str] | None = None
) -> list[Token]:
    """Wrap the first occurrence of each term in a link to its page (docs/content-format.md).

    `linked` holds the terms already linked in the provision (or section) this text
    belongs to, and is updated: a term is linked once per provision. A term inside
    《…》 (a document's title) is never linked. Matching runs over each text token;
    an occurrence split by markup is still counted by the occurrence finder, but is
    not linked, since a link cannot straddle the markup.
    """
    linked = set() if linked is None else linked
    depth = 0  # how many 《 are open at this point of the text
    out: list[Token] = []
    for tok in children:
        if tok.type != "text":
            out.append(tok)
            continue
        pos = 0
        opens = _title_depths(tok.content, depth)
        for start, end, slug in matcher.find(tok.content):
            if slug in linked or (opens[start] if opens else depth):
                continue
            linked.add(slug)
            if start > pos:
                out.append(_text(tok.content[pos:start]))
            link = Token("link_open", "a", 1)
            link.attrs = {"href": href(slug), "class": "term", "data-term": slug}
            out += [link, _text(tok.content[start:end]), Token("link_close", "a", -1)]
            pos = end
        out.append(_text(tok.content[pos:]) if pos else tok)
        depth = opens[-1] if opens else depth
    return out


def _title_depths(text: str, depth: int) -> list[int]:
    """For each position of `text` (and its end), how many 《 are open before it;
    empty when the text has no 《 or 》, so the depth is `depth` throughout."""
    if "《" not in text and "》" not in text:
        return []
    out = []
    for c in text:
        out.append(depth)
        if c == "《":
            depth += 1
        elif c == "》" and depth:
            depth -= 1
    out.append(depth)
    return out


def mark_lead(children: list[Token], length: int) -> list[Token]:
    """Set the first `length` characters of the text (a plan item's lead sentence) in <strong class="lead">.

    Left as it is when markup other than plain text falls inside that span.
    """
    seen = 0
    for i, tok in enumerate(children):
        if tok.type == "softbreak":
            continue
        if tok.type != "text":
            return children
        if seen + len(tok.content) >= length:
            cut = length - seen
            opening = Token("strong_open", "strong", 1)
            opening.attrs = {"class": "lead"}
            head = [*children[:i], _text(tok.content[:cut])] if cut else children[:i]
            tail = [_text(tok.content[cut:])] if cut < len(tok.content) else []
            return [opening, *head, Token("strong_close", "strong", -1), *tail, *children[i + 1 :]]
        seen += len(tok.content)
    return children


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def render_inline(
    markdown: str,
    matcher: Matcher | None = None,
    href: Callable[[str], str] | None = None,
    linked: set[str] | None = None,
    lead: int = 0,
) -> str:
    """Inline Markdown → HTML, with the first `lead` characters marked and glossary terms linked."""
    md = parser()
    children = parse_inline(markdown)
    if lead:
        children = mark_lead(children, lead)
    if matcher is not None and href is not None:
        children = link_terms(children, matcher, href, linked)
    return md.renderer.render(children, md.options, {})
