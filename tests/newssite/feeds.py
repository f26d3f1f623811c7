"""robots.txt, sitemaps (index, Google News, plain) and the two feed formats, as plain text builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from tests.newssite.theme_common import esc


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    summary: str
    published: str
    modified: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    lang: str
    guid: str
    content_html: str = ""


def robots_txt(base_url: str, disallow: tuple[str, ...], allow: tuple[str, ...] = (), extra: str = "") -> str:
    """'User-agent: *' rules, an optional block for named bots, and the sitemap index."""
    rules = [f"Disallow: {path}" for path in disallow] + [f"Allow: {path}" for path in allow]
    body = "\n".join(rules)
    return f"User-agent: *\n{body}\n\n{extra}Sitemap: {base_url}/sitemap_index.xml\n"


def sitemap_index(sitemaps: list[tuple[str, str]], stylesheet: str | None = None) -> str:
    style = f'<?xml-stylesheet type="text/xsl" href="{esc(stylesheet)}"?>\n' if stylesheet else ""
    entries = "\n".join(
        f"\t<sitemap>\n\t\t<loc>{esc(loc)}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n\t</sitemap>"
        for loc, lastmod in sitemaps
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{style}'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}\n</sitemapindex>\n'
    )


def news_sitemap(publication: str, entries: list[FeedEntry]) -> str:
    """A Google News sitemap: publication name, language, date and title per story."""
    urls = "\n".join(
        f"""  <url>
    <loc>{esc(e.url)}</loc>
    <news:news>
      <news:publication>
        <news:name>{esc(publication)}</news:name>
        <news:language>{e.lang}</news:language>
      </news:publication>
      <news:publication_date>{e.published}</news:publication_date>
      <news:title>{esc(e.title)}</news:title>
      <news:keywords>{esc(", ".join(e.categories))}</news:keywords>
    </news:news>
  </url>"""
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}\n</urlset>\n"
    )


def url_sitemap(entries: list[tuple[str, str]]) -> str:
    """A plain sitemap: every URL the CMS knows, with its last modification."""
    urls = "\n".join(
        f"\t<url>\n\t\t<loc>{esc(loc)}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n\t</url>"
        for loc, lastmod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
        f"{urls}\n</urlset>\n"
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rss_item(e: FeedEntry) -> str:
    lines = [
        "\t<item>",
        f"\t\t<title>{esc(e.title)}</title>",
        f"\t\t<link>{esc(e.url)}</link>",
        f"\t\t<dc:creator>{_cdata(', '.join(e.authors))}</dc:creator>",
        f"\t\t<pubDate>{format_datetime(datetime.fromisoformat(e.published))}</pubDate>",
        *(f"\t\t<category>{_cdata(c)}</category>" for c in e.categories),
        f'\t\t<guid isPermaLink="false">{esc(e.guid)}</guid>',
        f"\t\t<description>{_cdata(e.summary + ' [&#8230;]')}</description>",
        f"\t\t<content:encoded>{_cdata(e.content_html)}</content:encoded>",
        "\t</item>",
    ]
    return "\n".join(lines)


def rss(title: str, base_url: str, feed_url: str, description: str, entries: list[FeedEntry]) -> str:
    """RSS 2.0 the way WordPress writes it (dc:creator, content:encoded, guid ?p=ID)."""
    build = max((e.modified for e in entries), default="2026-11-01T00:00:00+00:00")
    items = "\n".join(_rss_item(e) for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\t>
<channel>
\t<title>{esc(title)}</title>
\t<atom:link href="{esc(feed_url)}" rel="self" type="application/rss+xml" />
\t<link>{esc(base_url)}/</link>
\t<description>{esc(description)}</description>
\t<lastBuildDate>{format_datetime(datetime.fromisoformat(build))}</lastBuildDate>
\t<language>en-GB</language>
\t<sy:updatePeriod>hourly</sy:updatePeriod>
\t<sy:updateFrequency>1</sy:updateFrequency>
\t<generator>https://wordpress.org/?v=6.6.2</generator>
{items}
</channel>
</rss>
"""


def _atom_entry(e: FeedEntry) -> str:
    lines = [
        "  <entry>",
        f"    <id>{esc(e.guid)}</id>",
        f'    <title type="text">{esc(e.title)}</title>',
        f'    <link rel="alternate" type="text/html" href="{esc(e.url)}"/>',
        f"    <published>{e.published}</published>",
        f"    <updated>{e.modified}</updated>",
        *(f"    <author><name>{esc(a)}</name></author>" for a in e.authors),
        *(f'    <category term="{esc(c)}"/>' for c in e.categories),
        f'    <summary type="text" xml:lang="{e.lang}">{esc(e.summary)}</summary>',
        "  </entry>",
    ]
    return "\n".join(lines)


def atom(title: str, base_url: str, feed_url: str, entries: list[FeedEntry]) -> str:
    """An Atom 1.0 feed with summaries only, as newsroom CMSs publish it."""
    updated = max((e.modified for e in entries), default="2026-11-01T00:00:00+00:00")
    items = "\n".join(_atom_entry(e) for e in entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>{esc(base_url)}/</id>
  <title>{esc(title)}</title>
  <subtitle>Latest stories</subtitle>
  <link rel="self" type="application/atom+xml" href="{esc(feed_url)}"/>
  <link rel="alternate" type="text/html" href="{esc(base_url)}/"/>
  <updated>{updated}</updated>
  <generator>Meridian CMS</generator>
{items}
</feed>
"""
