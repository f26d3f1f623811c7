"""What both outlet themes are given to render, and the few helpers they share.

Themes receive fully resolved views (absolute URLs, chosen teasers) so that they stay pure string builders;
each returns the visible clutter phrases it printed, which become the page's must-not-contain ground truth.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tests.newssite.model import Article


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Teaser:
    """A headline link with a snippet, as shown in listings, related blocks and sidebars."""

    title: str
    url: str
    snippet: str
    published: str
    section: str
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chrome:
    """The furniture shared by every page of one outlet."""

    outlet_title: str
    tagline: str
    base_url: str
    nav: tuple[Link, ...]
    feed_url: str
    login_url: str
    private: Link
    most_read: tuple[Teaser, ...]


@dataclass(frozen=True)
class ArticleView:
    article: Article
    url: str
    section: Link
    authors: tuple[Link, ...]
    tags: tuple[Link, ...]
    related: tuple[Teaser, ...]
    most_read: tuple[Teaser, ...]
    inline_href: str | None
    lang_attr: str | None
    malformed: bool


@dataclass(frozen=True)
class ListingView:
    """Home, section, tag and author pages: a heading, an optional intro and teasers."""

    kind: str
    title: str
    url: str
    intro: str
    items: tuple[Teaser, ...]


@dataclass(frozen=True)
class VideoView:
    title: str
    url: str
    caption: str
    published: str


@dataclass(frozen=True)
class Rendered:
    html: str
    clutter: tuple[str, ...]


class Theme(Protocol):
    def article(self, chrome: Chrome, view: ArticleView) -> Rendered: ...
    def listing(self, chrome: Chrome, view: ListingView) -> str: ...
    def video(self, chrome: Chrome, view: VideoView) -> str: ...
    def login(self, chrome: Chrome) -> str: ...
    def private(self, chrome: Chrome, title: str, text: str) -> str: ...
    def not_found(self, chrome: Chrome) -> str: ...


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def json_ld(data: object) -> str:
    """JSON for a <script> block; '</' is escaped so that text can never close the script early."""
    return json.dumps(data, ensure_ascii=False, indent=None).replace("</", "<\\/")


def long_date(iso: str) -> str:
    """'November 18, 2026', as WordPress prints it."""
    moment = datetime.fromisoformat(iso)
    return f"{moment:%B} {moment.day}, {moment.year}"


def day_month_year(iso: str) -> str:
    """'18 November 2026, 06:42', as newsroom CMSs print it."""
    moment = datetime.fromisoformat(iso)
    return f"{moment.day} {moment:%B %Y, %H:%M}"


def paragraphs_html(article: Article, inline_href: str | None, css_class: str = "") -> list[str]:
    """The story's own paragraphs, with its inline link (if any) turned into an anchor."""
    attr = f' class="{css_class}"' if css_class else ""
    out = []
    for index, text in enumerate(article.paragraphs):
        body = esc(text)
        link = article.inline_link
        if link is not None and link.paragraph == index and inline_href is not None:
            anchor = f'<a href="{esc(inline_href)}">{esc(link.text)}</a>'
            body = body.replace(esc(link.text), anchor, 1)
        out.append(f"<p{attr}>{body}</p>")
    return out


def mangle_markup(page: str, article: Article) -> str:
    """Break a page the way hand-edited templates and bad plugins do, keeping the story recoverable.

    Drops closing </p>, </li>, </article>, </body> and </html> tags, puts stray </div>s right after <body>,
    leaves a <div> unclosed before the story and nests <b>/<i> wrongly around its first words.
    """
    lede = esc(article.paragraphs[0])
    words = lede.split(" ")
    broken_lede = f"<b><i>{' '.join(words[:3])}</b></i> {' '.join(words[3:])}"
    if f"<p>{lede}</p>" not in page:
        raise ValueError("the lede paragraph must be rendered as a plain <p> to be mangled")
    page = page.replace(f"<p>{lede}</p>", f'<div class="wp-block-group has-drop-cap"><p>{broken_lede}</p>', 1)
    page = page.replace("</p>", "").replace("</li>", "")
    page = page.replace("</article>", "").replace("</body>", "").replace("</html>", "")
    return re.sub(r"(<body[^>]*>)", r"\1\n</div></div>", page, count=1)
