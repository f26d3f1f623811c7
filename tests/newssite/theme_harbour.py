"""The Harbour Daily's template: a WordPress theme with Yoast metadata and Jetpack widgets.

Mirrors the markup real WordPress news sites emit (entry-content, sharedaddy, jp-relatedposts injected inside
the post body, comments-area with the stock comment form), since that is where extractors go wrong.
"""

from __future__ import annotations

from tests.newssite.model import Comment
from tests.newssite.theme_common import (
    ArticleView,
    Chrome,
    ListingView,
    Rendered,
    Teaser,
    VideoView,
    esc,
    json_ld,
    long_date,
    mangle_markup,
    paragraphs_html,
)
from tests.newssite.urls import slugify

LOCALES = {"en": "en-GB", "de": "de-DE", "fr": "fr-FR", "es": "es-ES"}
SITE_LOCALE = "en-GB"

COOKIE_TEXT = (
    "We use cookies to give you the best experience on our website and to understand how our pages are used. "
    "You can change your cookie settings at any time."
)
NEWSLETTER_TEXT = (
    "Sign up for our newsletter and get the morning headlines from the waterfront in your inbox."
)
COMMENT_NOTES = "Your email address will not be published."
REQUIRED_NOTE = "Required fields are marked"
SAVE_CONSENT = "Save my name, email, and website in this browser for the next time I comment."
COPYRIGHT = "All rights reserved."
AD_LABEL = "Advertisement"


class HarbourTheme:
    """Renders every page type of the Harbour Daily."""

    def article(self, chrome: Chrome, view: ArticleView) -> Rendered:
        a = view.article
        clutter: list[str] = [
            "We use cookies",
            "Sign up for our newsletter",
            "Most read",
            "Share on Facebook",
            "Related Articles",
            "Leave a Comment",
            COMMENT_NOTES,
            REQUIRED_NOTE,
            SAVE_CONSENT,
            "Scroll to Top",
            COPYRIGHT,
            chrome.tagline,
        ]
        paragraphs = paragraphs_html(a, view.inline_href)
        if len(paragraphs) >= 6:
            paragraphs.insert(3, _ad_slot(a.uid))
            clutter.append(AD_LABEL)
        body = "\n".join(paragraphs)
        clutter.extend(t.snippet for t in view.related)
        clutter.extend(c.text for c in a.comments)

        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "Article",
                    "@id": f"{view.url}#article",
                    "isPartOf": {"@id": view.url},
                    "author": [{"@type": "Person", "name": p.title, "url": p.url} for p in view.authors],
                    "headline": a.title,
                    "datePublished": a.published,
                    "dateModified": a.modified,
                    "mainEntityOfPage": {"@id": view.url},
                    "wordCount": a.word_count,
                    "publisher": {"@id": f"{chrome.base_url}/#organization"},
                    "keywords": list(a.tags),
                    "articleSection": [view.section.title],
                    "inLanguage": LOCALES[a.lang],
                },
                {
                    "@type": "WebPage",
                    "@id": view.url,
                    "url": view.url,
                    "name": f"{a.title} | {chrome.outlet_title}",
                    "isPartOf": {"@id": f"{chrome.base_url}/#website"},
                    "breadcrumb": {"@id": f"{view.url}#breadcrumb"},
                },
                {
                    "@type": "BreadcrumbList",
                    "@id": f"{view.url}#breadcrumb",
                    "itemListElement": [
                        {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{chrome.base_url}/"},
                        {
                            "@type": "ListItem",
                            "position": 2,
                            "name": view.section.title,
                            "item": view.section.url,
                        },
                        {"@type": "ListItem", "position": 3, "name": a.title},
                    ],
                },
                _organization(chrome),
            ],
        }
        meta = [
            '<meta property="og:type" content="article" />',
            f'<meta property="og:title" content="{esc(a.title)}" />',
            f'<meta property="og:description" content="{esc(a.standfirst)}" />',
            f'<meta property="og:url" content="{esc(view.url)}" />',
            f'<meta property="og:locale" content="{LOCALES[a.lang].replace("-", "_")}" />',
            f'<meta property="article:published_time" content="{a.published}" />',
            f'<meta property="article:modified_time" content="{a.modified}" />',
            f'<meta property="article:section" content="{esc(view.section.title)}" />',
            *(f'<meta property="article:tag" content="{esc(t.title)}" />' for t in view.tags),
            f'<meta name="author" content="{esc(", ".join(a.authors))}" />',
            f'<meta name="description" content="{esc(a.standfirst)}" />',
            '<meta name="twitter:card" content="summary_large_image" />',
            f'<script type="application/ld+json" class="yoast-schema-graph">{json_ld(graph)}</script>',
        ]
        byline = " and ".join(
            f'<a class="url fn n" href="{esc(p.url)}">{esc(p.title)}</a>' for p in view.authors
        )
        tags = ", ".join(f'<a href="{esc(t.url)}" rel="tag">{esc(t.title)}</a>' for t in view.tags)
        main = f"""<article id="post-{a.uid}" class="post-{a.uid} post type-post status-publish format-standard hentry category-{slugify(a.section)}">
<header class="entry-header">
<span class="cat-links"><a href="{esc(view.section.url)}" rel="category tag">{esc(view.section.title)}</a></span>
<h1 class="entry-title">{esc(a.title)}</h1>
<div class="entry-meta"><span class="byline">By <span class="author vcard">{byline}</span></span> <span class="sep">&middot;</span> <span class="posted-on"><time class="entry-date published" datetime="{a.published}">{long_date(a.published)}</time><time class="updated" datetime="{a.modified}">{long_date(a.modified)}</time></span></div>
</header>
<div class="entry-content">
{body}
{_sharedaddy(view.url, a.title)}
{_jetpack_related(view.related)}
</div>
<footer class="entry-footer"><span class="tags-links">Tagged {tags}</span></footer>
</article>
{_comments(a.title, a.comments, view.url)}"""
        page = _page(
            chrome,
            title=f"{a.title} | {chrome.outlet_title}",
            canonical=view.url,
            lang_attr=view.lang_attr,
            body_class=f"post-template-default single single-post postid-{a.uid} single-format-standard",
            meta=meta,
            main=main,
            most_read=view.most_read,
        )
        if view.malformed:
            page = mangle_markup(page, a)
        return Rendered(html=page, clutter=tuple(dict.fromkeys(clutter)))

    def listing(self, chrome: Chrome, view: ListingView) -> str:
        heading = {
            "home": "",
            "section": f"Category: <span>{esc(view.title)}</span>",
            "tag": f"Tag: <span>{esc(view.title)}</span>",
            "author": f'Author: <span class="vcard">{esc(view.title)}</span>',
        }[view.kind]
        parts = []
        if heading:
            intro = f'<div class="archive-description"><p>{esc(view.intro)}</p></div>' if view.intro else ""
            parts.append(f'<header class="page-header"><h1 class="page-title">{heading}</h1>{intro}</header>')
        for item in view.items:
            parts.append(_excerpt(item))
        if not view.items:
            parts.append('<p class="no-results">Nothing has been published here yet.</p>')
        body_class = {
            "home": "home blog",
            "section": "archive category",
            "tag": "archive tag",
            "author": "archive author",
        }[view.kind]
        og_type = {"home": "website", "author": "profile"}.get(view.kind, "object")
        meta = [
            f'<meta property="og:type" content="{og_type}" />',
            f'<meta property="og:title" content="{esc(view.title)}" />',
            f'<meta property="og:url" content="{esc(view.url)}" />',
        ]
        if view.kind == "home":
            title = f"{chrome.outlet_title} | {chrome.tagline}"
        else:
            title = f"{view.title} | {chrome.outlet_title}"
        return _page(
            chrome,
            title=title,
            canonical=view.url,
            lang_attr=SITE_LOCALE,
            body_class=body_class,
            meta=meta,
            main="\n".join(parts),
            most_read=chrome.most_read,
        )

    def video(self, chrome: Chrome, view: VideoView) -> str:
        meta = [
            '<meta property="og:type" content="video.other" />',
            f'<meta property="og:title" content="{esc(view.title)}" />',
            f'<meta property="og:url" content="{esc(view.url)}" />',
            f'<meta property="og:video" content="{esc(chrome.base_url)}/wp-content/uploads/2026/11/clip-1080.mp4" />',
        ]
        main = f"""<article class="post type-post format-video hentry">
<header class="entry-header"><h1 class="entry-title">{esc(view.title)}</h1>
<div class="entry-meta"><time class="entry-date published" datetime="{view.published}">{long_date(view.published)}</time></div></header>
<div class="entry-content">
<figure class="wp-block-embed is-type-video wp-embed-aspect-16-9"><div class="wp-block-embed__wrapper">
<iframe title="{esc(view.title)}" width="1200" height="675" src="{esc(chrome.base_url)}/embed/player/?clip=storm" frameborder="0" allowfullscreen></iframe>
</div><figcaption class="wp-element-caption">{esc(view.caption)}</figcaption></figure>
{_sharedaddy(view.url, view.title)}
</div>
</article>
{_comments(view.title, (), view.url)}"""
        return _page(
            chrome,
            title=f"{view.title} | {chrome.outlet_title}",
            canonical=view.url,
            lang_attr=SITE_LOCALE,
            body_class="post-template-default single single-post single-format-video",
            meta=meta,
            main=main,
            most_read=chrome.most_read,
        )

    def login(self, chrome: Chrome) -> str:
        return f"""<!DOCTYPE html>
<html lang="{SITE_LOCALE}">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>Log In &lsaquo; {esc(chrome.outlet_title)}</title>
<meta name="robots" content="noindex, nofollow" />
<link rel="stylesheet" href="/wp-admin/css/login.min.css?ver=6.6.2" media="all" />
</head>
<body class="login no-js login-action-login wp-core-ui">
<div id="login">
<h1><a href="{esc(chrome.base_url)}/">{esc(chrome.outlet_title)}</a></h1>
<form name="loginform" id="loginform" action="{esc(chrome.login_url)}" method="post">
<p><label for="user_login">Username or Email Address</label>
<input type="text" name="log" id="user_login" class="input" value="" size="20" autocapitalize="off" autocomplete="username" required="required" /></p>
<div class="user-pass-wrap"><label for="user_pass">Password</label>
<div class="wp-pwd"><input type="password" name="pwd" id="user_pass" class="input password-input" value="" size="20" autocomplete="current-password" required="required" /></div></div>
<p class="forgetmenot"><input name="rememberme" type="checkbox" id="rememberme" value="forever" /> <label for="rememberme">Remember Me</label></p>
<p class="submit"><input type="submit" name="wp-submit" id="wp-submit" class="button button-primary button-large" value="Log In" /></p>
</form>
<p id="nav"><a href="{esc(chrome.login_url)}?action=lostpassword">Lost your password?</a></p>
<p id="backtoblog"><a href="{esc(chrome.base_url)}/">&larr; Go to {esc(chrome.outlet_title)}</a></p>
</div>
</body>
</html>
"""

    def private(self, chrome: Chrome, title: str, text: str) -> str:
        main = f"""<article class="page type-page status-private hentry">
<header class="entry-header"><h1 class="entry-title">Private: {esc(title)}</h1></header>
<div class="entry-content"><p>{esc(text)}</p>
<p>This area is for staff of {esc(chrome.outlet_title)} only. If you reached it by accident, please close this page.</p></div>
</article>"""
        return _page(
            chrome,
            title=f"{title} | {chrome.outlet_title}",
            canonical=None,
            lang_attr=SITE_LOCALE,
            body_class="page-template-default page",
            meta=['<meta name="robots" content="noindex, nofollow" />'],
            main=main,
            most_read=chrome.most_read,
        )

    def not_found(self, chrome: Chrome) -> str:
        main = """<section class="error-404 not-found">
<header class="page-header"><h1 class="page-title">Page not found</h1></header>
<div class="page-content"><p>Sorry, the page you were looking for has moved or no longer exists. Try a search, or start again from the front page.</p>
<form role="search" method="get" class="search-form" action="/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label><input type="submit" class="search-submit" value="Search" /></form>
</div>
</section>"""
        return _page(
            chrome,
            title=f"Page not found | {chrome.outlet_title}",
            canonical=None,
            lang_attr=SITE_LOCALE,
            body_class="error404",
            meta=['<meta name="robots" content="noindex, follow" />'],
            main=main,
            most_read=chrome.most_read,
        )


def _organization(chrome: Chrome) -> dict[str, object]:
    return {
        "@type": "Organization",
        "@id": f"{chrome.base_url}/#organization",
        "name": chrome.outlet_title,
        "url": f"{chrome.base_url}/",
        "logo": {"@type": "ImageObject", "url": f"{chrome.base_url}/wp-content/uploads/2024/02/logo.png"},
    }


def _page(
    chrome: Chrome,
    *,
    title: str,
    canonical: str | None,
    lang_attr: str | None,
    body_class: str,
    meta: list[str],
    main: str,
    most_read: tuple[Teaser, ...],
) -> str:
    lang = f' lang="{esc(lang_attr)}"' if lang_attr else ""
    canonical_link = f'<link rel="canonical" href="{esc(canonical)}" />' if canonical else ""
    nav = "\n".join(
        f'<li id="menu-item-{100 + i}" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-{100 + i}"><a href="{esc(link.url)}">{esc(link.title)}</a></li>'
        for i, link in enumerate(chrome.nav)
    )
    meta_block = "\n".join(meta)
    return f"""<!DOCTYPE html>
<html{lang}>
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{esc(title)}</title>
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1" />
{canonical_link}
<meta property="og:site_name" content="{esc(chrome.outlet_title)}" />
{meta_block}
<link rel="alternate" type="application/rss+xml" title="{esc(chrome.outlet_title)} &raquo; Feed" href="{esc(chrome.feed_url)}" />
<link rel="https://api.w.org/" href="{esc(chrome.base_url)}/wp-json/" />
<link rel="stylesheet" id="wp-block-library-css" href="/wp-includes/css/dist/block-library/style.min.css?ver=6.6.2" media="all" />
<link rel="stylesheet" id="harbour-style-css" href="/wp-content/themes/harbour/style.css?ver=2.4.1" media="all" />
<style id="global-styles-inline-css">:root{{--wp--preset--color--black:#000000;--wp--preset--color--white:#ffffff;--wp--preset--font-size--small:13px;}}</style>
<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
</head>
<body class="{body_class} wp-embed-responsive">
<div id="cookie-notice" role="dialog" class="cookie-notice cookie-notice-visible" aria-label="Cookie Notice"><div class="cookie-notice-container"><span id="cn-notice-text" class="cn-text-container">{esc(COOKIE_TEXT)}</span><span id="cn-notice-buttons" class="cn-buttons-container"><a href="#" id="cn-accept-cookie" class="cn-set-cookie cn-button" aria-label="Ok">Ok</a><a href="{esc(chrome.base_url)}/privacy-policy/" class="cn-privacy-policy-link cn-link">Privacy policy</a></span></div></div>
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header" role="banner">
<div class="site-branding"><p class="site-title"><a href="{esc(chrome.base_url)}/" rel="home">{esc(chrome.outlet_title)}</a></p><p class="site-description">{esc(chrome.tagline)}</p></div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary menu"><button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu">
{nav}
<li class="menu-item menu-item-login"><a href="{esc(chrome.login_url)}">Log in</a></li>
</ul></nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">
{main}
</main>
</div>
{_sidebar(most_read)}
</div>
<footer id="colophon" class="site-footer">
<div class="footer-widgets"><ul class="footer-menu">
<li><a href="{esc(chrome.base_url)}/about-us/">About us</a></li>
<li><a href="{esc(chrome.base_url)}/privacy-policy/">Privacy policy</a></li>
<li><a href="{esc(chrome.private.url)}">{esc(chrome.private.title)}</a></li>
</ul></div>
<div class="site-info">&copy; 2026 {esc(chrome.outlet_title)}. {COPYRIGHT} <span class="sep"> | </span>Proudly powered by WordPress</div>
</footer>
</div>
<a href="#page" id="scroll-to-top" class="scroll-to-top back-to-top" aria-label="Scroll to Top"><span class="screen-reader-text">Scroll to Top</span>&uarr;</a>
<script src="/wp-content/plugins/jetpack/_inc/build/sharedaddy/sharing.min.js?ver=13.9" id="sharing-js-js"></script>
</body>
</html>
"""


def _sidebar(most_read: tuple[Teaser, ...]) -> str:
    items = "\n".join(f'<li><a href="{esc(t.url)}">{esc(t.title)}</a></li>' for t in most_read)
    return f"""<aside id="secondary" class="widget-area" role="complementary">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" /></label><input type="submit" class="search-submit" value="Search" /></form></section>
<section id="newsletter-3" class="widget widget_newsletter newsletter-signup"><h2 class="widget-title">Newsletter</h2>
<p class="newsletter-lede">{esc(NEWSLETTER_TEXT)}</p>
<form class="newsletter-form" action="/newsletter/subscribe/" method="post"><input type="email" name="email" placeholder="Your email address" required /><button type="submit">Subscribe</button></form>
<p class="newsletter-small">You can unsubscribe at any time.</p></section>
<section id="most-read-4" class="widget widget_most_read"><h2 class="widget-title">Most read</h2>
<ol class="most-read-list">
{items}
</ol></section>
</aside>"""


def _ad_slot(uid: int) -> str:
    return (
        f'<div class="ad-container ad-inline" data-ad-slot="inarticle-{uid}"><span class="ad-label">{AD_LABEL}</span>'
        f'<div id="div-gpt-ad-{uid}-1" class="ad-slot" style="min-height:250px"></div></div>'
    )


def _sharedaddy(url: str, title: str) -> str:
    return f"""<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>
<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button share-icon" href="{esc(url)}?share=facebook" target="_blank" title="Click to share on Facebook"><span>Share on Facebook</span></a></li>
<li class="share-twitter"><a rel="nofollow noopener noreferrer" class="share-twitter sd-button share-icon" href="{esc(url)}?share=twitter" target="_blank" title="Click to share on X"><span>Tweet</span></a></li>
<li class="share-email"><a rel="nofollow noopener noreferrer" class="share-email sd-button share-icon" href="mailto:?subject={esc(title)}" target="_blank" title="Click to email a link to a friend"><span>Email</span></a></li>
<li class="share-print"><a rel="nofollow noopener noreferrer" class="share-print sd-button share-icon" href="{esc(url)}#print" target="_blank" title="Click to print"><span>Print</span></a></li>
<li class="share-end"></li>
</ul></div></div></div>"""


def _jetpack_related(related: tuple[Teaser, ...]) -> str:
    posts = "\n".join(
        f"""<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-format="false">
<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{esc(t.url)}" title="{esc(t.title)}" rel="nofollow">{esc(t.title)}</a></h4>
<p class="jp-relatedposts-post-excerpt">{esc(t.snippet)}</p>
<p class="jp-relatedposts-post-date">{long_date(t.published)}</p>
<p class="jp-relatedposts-post-context">In &quot;{esc(t.section)}&quot;</p>
</div>"""
        for i, t in enumerate(related)
    )
    return f"""<div id="jp-relatedposts" class="jp-relatedposts" style="display: block;">
<h3 class="jp-relatedposts-headline"><em>Related Articles</em></h3>
<div class="jp-relatedposts-items jp-relatedposts-items-visual jp-relatedposts-grid">
{posts}
</div>
</div>"""


def _comments(title: str, comments: tuple[Comment, ...], url: str) -> str:
    listed = ""
    if comments:
        count = len(comments)
        noun = "thought" if count == 1 else "thoughts"
        items = "\n".join(
            f"""<li id="comment-{i + 1}" class="comment even thread-even depth-1"><article id="div-comment-{i + 1}" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{esc(c.author)}</b> <span class="says">says:</span></div>
<div class="comment-metadata"><a href="{esc(url)}#comment-{i + 1}"><time datetime="{c.posted}">{long_date(c.posted)}</time></a></div></footer>
<div class="comment-content"><p>{esc(c.text)}</p></div>
<div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-{i + 1}" aria-label="Reply to {esc(c.author)}">Reply</a></div>
</article></li>"""
            for i, c in enumerate(comments)
        )
        listed = f"""<h2 class="comments-title">{count} {noun} on &ldquo;{esc(title)}&rdquo;</h2>
<ol class="comment-list">
{items}
</ol>"""
    return f"""<div id="comments" class="comments-area">
{listed}
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Comment <small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">Cancel reply</a></small></h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-notes"><span id="email-notes">{COMMENT_NOTES}</span> <span class="required-field-message">{REQUIRED_NOTE} <span class="required">*</span></span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" autocomplete="email" required /></p>
<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url" /></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">{SAVE_CONSENT}</label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /></p>
</form>
</div>
</div>"""


def _excerpt(item: Teaser) -> str:
    authors = " and ".join(esc(name) for name in item.authors)
    byline = f'<span class="byline">By {authors}</span> &middot; ' if authors else ""
    return f"""<article class="post type-post status-publish format-standard hentry">
<header class="entry-header"><span class="cat-links">{esc(item.section)}</span>
<h2 class="entry-title"><a href="{esc(item.url)}" rel="bookmark">{esc(item.title)}</a></h2>
<div class="entry-meta">{byline}<time class="entry-date published" datetime="{item.published}">{long_date(item.published)}</time></div></header>
<div class="entry-summary"><p>{esc(item.snippet)} [&hellip;]</p></div>
<footer class="entry-footer"><a class="more-link" href="{esc(item.url)}">Continue reading<span class="screen-reader-text"> &ldquo;{esc(item.title)}&rdquo;</span></a></footer>
</article>"""
