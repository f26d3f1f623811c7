"""Meridian Wire's template: a modern newsroom front end (semantic HTML, BEM classes, JSON-LD NewsArticle).

Deliberately unlike the WordPress theme, so that nothing keyed to one CMS's class names can pass for
clutter removal in general.
"""

from __future__ import annotations

from tests.newssite.theme_common import (
    ArticleView,
    Chrome,
    ListingView,
    Rendered,
    Teaser,
    VideoView,
    day_month_year,
    esc,
    json_ld,
    mangle_markup,
    paragraphs_html,
)

COOKIE_TEXT = (
    "We use cookies and similar technologies to keep this site working, to measure our audience "
    "and to show you relevant advertising."
)
NEWSLETTER_TEXT = "Sign up for our newsletter: the day's five essential stories, every weekday at 7am."
NO_COMMENTS = "No comments yet. Be the first to share your view."
COMMENT_RULES = "Comments are moderated and must follow our community guidelines."
AD_LABEL = "Advertisement"


class MeridianTheme:
    """Renders every page type of Meridian Wire."""

    def article(self, chrome: Chrome, view: ArticleView) -> Rendered:
        a = view.article
        clutter: list[str] = [
            "We use cookies",
            "Accept all",
            "Share on Facebook",
            "Copy link",
            "Related Articles",
            "Hashtags:",
            "Join the conversation",
            NO_COMMENTS,
            COMMENT_RULES,
            "Post Comment",
            "Most read",
            "Sign up for our newsletter",
            "Back to top",
            AD_LABEL,
            chrome.tagline,
        ]
        paragraphs = paragraphs_html(a, view.inline_href)
        paragraphs.insert(
            2,
            f'<div class="c-ad c-ad--inline" aria-hidden="true"><span class="c-ad__label">{AD_LABEL}</span><div class="c-ad__slot" data-slot="mid-{a.uid}"></div></div>',
        )
        clutter.extend(t.snippet for t in view.related)
        names = " and ".join(
            f'<a class="c-byline__name" rel="author" href="{esc(p.url)}">{esc(p.title)}</a>'
            for p in view.authors
        )
        hashtags = " ".join(f"#{''.join(w.capitalize() for w in t.title.split())}" for t in view.tags)
        tag_items = "\n".join(
            f'<li><a class="c-tags__link" href="{esc(t.url)}">{esc(t.title)}</a></li>' for t in view.tags
        )
        related_items = "\n".join(
            f"""<li class="c-related__item"><a class="c-related__link" href="{esc(t.url)}"><h3 class="c-related__title">{esc(t.title)}</h3></a>
<p class="c-related__summary">{esc(t.snippet)}</p><span class="c-related__meta">{esc(t.section)}</span></li>"""
            for t in view.related
        )
        related = f"""<aside class="c-related" aria-labelledby="related-{a.uid}">
<h2 class="c-related__heading" id="related-{a.uid}">Related Articles</h2>
<ul class="c-related__list">
{related_items}
</ul>
</aside>"""
        # Like many newsroom CMSs, half the stories get the related block dropped into the text flow as
        # a plain promo list, with nothing in its markup saying "related".
        if a.uid % 2 == 0:
            promos = "\n".join(
                f"""<div class="c-promo"><h3 class="c-promo__headline"><a href="{esc(t.url)}">{esc(t.title)}</a></h3>
<p class="c-promo__summary">{esc(t.snippet)}</p></div>"""
                for t in view.related
            )
            inline = f"""<section class="c-promo-list" data-component="story-promos">
<h2 class="c-promo-list__heading">Related Articles</h2>
{promos}
</section>"""
            paragraphs.insert(min(5, len(paragraphs) - 1), inline)
            related = ""
        body = "\n".join(paragraphs)
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": view.url},
            "headline": a.title,
            "description": a.standfirst,
            "datePublished": a.published,
            "dateModified": a.modified,
            "inLanguage": a.lang,
            "articleSection": view.section.title,
            "keywords": ", ".join(a.tags),
            "author": [{"@type": "Person", "name": p.title, "url": p.url} for p in view.authors],
            "publisher": _publisher(chrome),
            "isAccessibleForFree": True,
        }
        meta = [
            f'<meta name="description" content="{esc(a.standfirst)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(a.title)}">',
            f'<meta property="og:description" content="{esc(a.standfirst)}">',
            f'<meta property="og:url" content="{esc(view.url)}">',
            f'<meta property="og:image" content="{esc(chrome.base_url)}/images/{a.uid}/1200x675.jpg">',
            f'<meta property="article:published_time" content="{a.published}">',
            f'<meta property="article:modified_time" content="{a.modified}">',
            f'<meta property="article:section" content="{esc(view.section.title)}">',
            f'<meta name="byl" content="By {esc(" and ".join(a.authors))}">',
            '<meta name="twitter:card" content="summary_large_image">',
            '<meta name="twitter:site" content="@meridianwire">',
            f'<script type="application/ld+json">{json_ld(ld)}</script>',
        ]
        main = f"""<article class="c-article" data-article-id="{a.uid}">
<header class="c-article__header">
<p class="c-article__kicker"><a href="{esc(view.section.url)}">{esc(view.section.title)}</a></p>
<h1 class="c-article__headline">{esc(a.title)}</h1>
<p class="c-article__standfirst">{esc(a.standfirst)}</p>
<div class="c-byline">By {names} <span class="c-byline__sep">|</span> <time class="c-byline__time" datetime="{a.published}">{day_month_year(a.published)} GMT</time></div>
<div class="c-share-bar share-bar" role="group" aria-label="Share this article">
<a class="c-share-bar__item c-share-bar__item--facebook" href="https://www.facebook.com/sharer/sharer.php?u={esc(view.url)}">Share on Facebook</a>
<a class="c-share-bar__item c-share-bar__item--x" href="https://twitter.com/intent/tweet?url={esc(view.url)}">Tweet</a>
<a class="c-share-bar__item c-share-bar__item--email" href="mailto:?subject={esc(a.title)}">Email</a>
<button class="c-share-bar__item c-share-bar__item--copy" type="button" data-copy="{esc(view.url)}">Copy link</button>
</div>
</header>
<div class="c-article__body" data-component="text-block">
{body}
</div>
{related}
<footer class="c-article__footer">
<p class="c-hashtags">Hashtags: {esc(hashtags)}</p>
<ul class="c-tags">
{tag_items}
</ul>
</footer>
<section class="c-comments" id="comments" aria-label="Comments">
<h2 class="c-comments__heading">Join the conversation</h2>
<p class="c-comments__empty">{NO_COMMENTS}</p>
<form class="c-comments__form" action="/comments/{a.uid}" method="post"><label for="comment-{a.uid}">Your comment</label><textarea id="comment-{a.uid}" name="body" rows="4"></textarea><button type="submit" class="c-button">Post Comment</button></form>
<p class="c-comments__rules">{COMMENT_RULES}</p>
</section>
</article>"""
        page = _page(
            chrome,
            title=f"{a.title} | {chrome.outlet_title}",
            canonical=view.url,
            lang_attr=view.lang_attr,
            page_class="page--article",
            meta=meta,
            main=main,
            most_read=view.most_read,
        )
        if view.malformed:
            page = mangle_markup(page, a)
        return Rendered(html=page, clutter=tuple(dict.fromkeys(clutter)))

    def listing(self, chrome: Chrome, view: ListingView) -> str:
        cards = "\n".join(_card(t, lead=(i == 0 and view.kind == "home")) for i, t in enumerate(view.items))
        if not cards:
            cards = '<p class="c-empty">There are no stories here yet.</p>'
        heading = {
            "home": '<h1 class="u-visually-hidden">Meridian Wire: top stories</h1><h2 class="c-section-title">Top stories</h2>',
            "section": f'<h1 class="c-section-title">{esc(view.title)}</h1>',
            "tag": f'<h1 class="c-section-title">{esc(view.title)}</h1><p class="c-section-title__label">Topic</p>',
            "author": f'<div class="c-profile"><h1 class="c-profile__name">{esc(view.title)}</h1><p class="c-profile__bio">{esc(view.intro)}</p></div>',
        }[view.kind]
        og_type = {"home": "website", "author": "profile"}.get(view.kind, "website")
        meta = [
            f'<meta property="og:type" content="{og_type}">',
            f'<meta property="og:title" content="{esc(view.title)}">',
            f'<meta property="og:url" content="{esc(view.url)}">',
        ]
        title = (
            f"{chrome.outlet_title} | {chrome.tagline}"
            if view.kind == "home"
            else f"{view.title} | {chrome.outlet_title}"
        )
        main = f"""<div class="l-listing l-listing--{view.kind}">
{heading}
<div class="c-card-grid">
{cards}
</div>
</div>"""
        return _page(
            chrome,
            title=title,
            canonical=view.url,
            lang_attr="en",
            page_class=f"page--{view.kind}",
            meta=meta,
            main=main,
            most_read=chrome.most_read,
        )

    def video(self, chrome: Chrome, view: VideoView) -> str:
        ld = {
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": view.title,
            "description": view.caption,
            "uploadDate": view.published,
            "thumbnailUrl": f"{chrome.base_url}/images/video/thumb.jpg",
            "contentUrl": f"{chrome.base_url}/media/video/clip.mp4",
        }
        meta = [
            '<meta property="og:type" content="video.other">',
            f'<meta property="og:title" content="{esc(view.title)}">',
            f'<meta property="og:url" content="{esc(view.url)}">',
            f'<script type="application/ld+json">{json_ld(ld)}</script>',
        ]
        main = f"""<div class="c-video-page">
<div class="c-video-player"><video controls preload="none" poster="/images/video/thumb.jpg" width="1280" height="720"><source src="/media/video/clip.mp4" type="video/mp4"></video></div>
<h1 class="c-video-page__title">{esc(view.title)}</h1>
<p class="c-video-page__caption">{esc(view.caption)}</p>
<time datetime="{view.published}">{day_month_year(view.published)} GMT</time>
</div>"""
        return _page(
            chrome,
            title=f"{view.title} | {chrome.outlet_title}",
            canonical=view.url,
            lang_attr="en",
            page_class="page--video",
            meta=meta,
            main=main,
            most_read=chrome.most_read,
        )

    def login(self, chrome: Chrome) -> str:
        main = f"""<div class="c-auth">
<h1 class="c-auth__title">Sign in to {esc(chrome.outlet_title)}</h1>
<form class="c-auth__form" action="{esc(chrome.login_url)}" method="post">
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="c-button c-button--primary">Sign in</button>
</form>
<p class="c-auth__help"><a href="{esc(chrome.login_url)}?reset=1">Forgotten your password?</a></p>
</div>"""
        return _page(
            chrome,
            title=f"Sign in | {chrome.outlet_title}",
            canonical=None,
            lang_attr="en",
            page_class="page--auth",
            meta=['<meta name="robots" content="noindex">'],
            main=main,
            most_read=(),
        )

    def private(self, chrome: Chrome, title: str, text: str) -> str:
        main = f"""<div class="c-internal"><h1>{esc(title)}</h1><p>{esc(text)}</p>
<p>Internal page. Not for publication.</p></div>"""
        return _page(
            chrome,
            title=f"{title} | {chrome.outlet_title}",
            canonical=None,
            lang_attr="en",
            page_class="page--internal",
            meta=['<meta name="robots" content="noindex, nofollow">'],
            main=main,
            most_read=(),
        )

    def not_found(self, chrome: Chrome) -> str:
        main = f"""<div class="c-error">
<h1 class="c-error__title">Sorry, we can't find that page</h1>
<p class="c-error__text">The link may be broken, or the story may have been removed. Try the <a href="{esc(chrome.base_url)}/">front page</a> instead.</p>
</div>"""
        return _page(
            chrome,
            title=f"Page not found | {chrome.outlet_title}",
            canonical=None,
            lang_attr="en",
            page_class="page--error",
            meta=['<meta name="robots" content="noindex">'],
            main=main,
            most_read=chrome.most_read,
        )


def _publisher(chrome: Chrome) -> dict[str, object]:
    return {
        "@type": "NewsMediaOrganization",
        "name": chrome.outlet_title,
        "url": f"{chrome.base_url}/",
        "logo": {
            "@type": "ImageObject",
            "url": f"{chrome.base_url}/static/logo-600x60.png",
            "width": 600,
            "height": 60,
        },
    }


def _card(item: Teaser, lead: bool) -> str:
    modifier = " c-card--lead" if lead else ""
    return f"""<div class="c-card{modifier}">
<a class="c-card__link" href="{esc(item.url)}"><h3 class="c-card__headline">{esc(item.title)}</h3></a>
<p class="c-card__summary">{esc(item.snippet)}</p>
<div class="c-card__meta"><span class="c-card__section">{esc(item.section)}</span> <time datetime="{item.published}">{day_month_year(item.published)}</time></div>
</div>"""


def _page(
    chrome: Chrome,
    *,
    title: str,
    canonical: str | None,
    lang_attr: str | None,
    page_class: str,
    meta: list[str],
    main: str,
    most_read: tuple[Teaser, ...],
) -> str:
    lang = f' lang="{esc(lang_attr)}"' if lang_attr else ""
    canonical_link = f'<link rel="canonical" href="{esc(canonical)}">' if canonical else ""
    nav = "\n".join(
        f'<li class="c-nav__item"><a class="c-nav__link" href="{esc(link.url)}">{esc(link.title)}</a></li>'
        for link in chrome.nav
    )
    most = "\n".join(
        f'<li class="c-most-read__item"><a href="{esc(t.url)}">{esc(t.title)}</a></li>' for t in most_read
    )
    sidebar = ""
    if most_read:
        sidebar = f"""<aside class="l-sidebar">
<section class="c-most-read" aria-labelledby="most-read-heading"><h2 id="most-read-heading" class="c-most-read__heading">Most read</h2>
<ol class="c-most-read__list">
{most}
</ol></section>
<section class="c-newsletter newsletter-signup"><h2 class="c-newsletter__heading">The Morning Wire</h2>
<p class="c-newsletter__text">{esc(NEWSLETTER_TEXT)}</p>
<form class="c-newsletter__form" action="/newsletters/morning-wire" method="post"><input type="email" name="email" placeholder="Enter your email" aria-label="Email address"><button type="submit" class="c-button">Sign up</button></form>
</section>
</aside>"""
    meta_block = "\n".join(meta)
    return f"""<!doctype html>
<html{lang}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{canonical_link}
{meta_block}
<meta property="og:site_name" content="{esc(chrome.outlet_title)}">
<link rel="alternate" type="application/atom+xml" title="{esc(chrome.outlet_title)}: latest stories" href="{esc(chrome.feed_url)}">
<link rel="preload" href="/static/fonts/source-serif-4.woff2" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="/static/css/main.5f3c2a1e.css">
<script defer src="/static/js/app.a91c0d77.js"></script>
</head>
<body class="{page_class}">
<div id="top"></div>
<div class="c-consent" data-module="consent" role="region" aria-label="Cookie consent"><div class="c-consent__inner"><p class="c-consent__text">{esc(COOKIE_TEXT)} <a href="/cookies">Cookie policy</a></p><div class="c-consent__actions"><button type="button" class="c-button c-button--primary">Accept all</button><button type="button" class="c-button">Manage preferences</button></div></div></div>
<header class="c-header">
<div class="c-header__inner"><a class="c-header__logo" href="{esc(chrome.base_url)}/" aria-label="{esc(chrome.outlet_title)} home">{esc(chrome.outlet_title)}</a>
<span class="c-header__tagline">{esc(chrome.tagline)}</span>
<a class="c-header__signin" href="{esc(chrome.login_url)}">Sign in</a></div>
<nav class="c-nav" aria-label="Sections"><ul class="c-nav__list">
{nav}
</ul></nav>
</header>
<main id="main-content" class="l-main">
{main}
{sidebar}
</main>
<footer class="c-footer">
<ul class="c-footer__links">
<li><a href="{esc(chrome.base_url)}/about">About Meridian Wire</a></li>
<li><a href="{esc(chrome.base_url)}/cookies">Cookies</a></li>
<li><a href="{esc(chrome.private.url)}">{esc(chrome.private.title)}</a></li>
</ul>
<p class="c-footer__copyright">&copy; 2026 {esc(chrome.outlet_title)}</p>
<a class="c-back-to-top back-to-top" href="#top">Back to top</a>
</footer>
</body>
</html>
"""
