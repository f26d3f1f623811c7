"""Plain records shared by the site's content, its renderer, its server and the ground truth it publishes."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.newssite.urls import article_path


@dataclass(frozen=True)
class InlineLink:
    """An anchor inside a paragraph that is part of the story (unlike teasers, it must be kept)."""

    paragraph: int
    text: str
    target_slug: str


@dataclass(frozen=True)
class Comment:
    """A reader comment under a story: text that reads like prose but is not the article."""

    author: str
    posted: str
    text: str


@dataclass(frozen=True)
class Article:
    """One story as an outlet publishes it: text and metadata, but no markup."""

    outlet: str
    slug: str
    uid: int
    lang: str
    section: str
    title: str
    standfirst: str
    authors: tuple[str, ...]
    published: str
    modified: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    hidden: bool = False
    inline_link: InlineLink | None = None
    comments: tuple[Comment, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """Slugs are unique per outlet only (a syndicated copy keeps the original slug)."""
        return (self.outlet, self.slug)

    @property
    def path(self) -> str:
        return article_path(self.outlet, self.published, self.section, self.uid, self.slug)

    @property
    def date(self) -> str:
        return self.published[:10]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Outlet:
    """A running outlet: where to reach it."""

    name: str
    title: str
    host: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class Page:
    """A prepared HTTP response; the server only copies it out."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def compressible(self) -> bool:
        return self.content_type.startswith(
            ("text/", "application/xml", "application/rss", "application/atom")
        )


@dataclass(frozen=True)
class RequestRecord:
    outlet: str
    method: str
    path: str
    status: int
    user_agent: str
    time: float


@dataclass(frozen=True)
class ExpectedArticle:
    """A page a correct crawler writes to the corpus exactly once."""

    url: str
    outlet: str
    slug: str
    lang: str
    title: str
    must_contain: list[str]
    must_not_contain: list[str]
    date_published: str
    authors: list[str]


@dataclass(frozen=True)
class ExpectedDuplicate:
    """``url`` repeats ``duplicate_of_url``; ``group`` holds both, since either copy may be the one kept."""

    url: str
    duplicate_of_url: str
    kind: str
    group: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ExpectedRejection:
    """A page a crawler fetches but must not write; ``in_sitemap`` pages are fetched by any sitemap reader."""

    url: str
    why: str
    in_sitemap: bool = True


@dataclass(frozen=True)
class ExpectedRedirect:
    url: str
    location: str
    status: int = 301


@dataclass(frozen=True)
class Rewrite:
    """A light-edit republication of a story on another outlet: the textbook near duplicate."""

    source_slug: str
    outlet: str
    slug: str
    uid: int
    section: str
    title: str
    standfirst: str
    authors: tuple[str, ...]
    published: str
    tags: tuple[str, ...]
    first_sentence: str
    replacements: tuple[tuple[str, str], ...]
    drop_paragraph: int
