"""The report page: one self-contained HTML file drawn from the figures of report.json and their plots.

Everything a reader needs is in the HTML as text and tables (the plots repeat the tables; the script only
sorts): it reads in any browser, offline, with scripts off, and greps. Key figures carry ``data-figure``
attributes so tests (and scripts) can read them back without parsing prose.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crawler.report.assets import CONTENT_SECURITY_POLICY, SCRIPT, STYLE

#: Rows of the sites table on the page (report.json has every site).
SITES_SHOWN = 500


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, the value it sorts by, and an optional ``data-figure`` name."""

    text: str
    sort: Any = None
    figure: str | None = None
    numeric: bool = False
    css: str = ""


def num(value: Any, figure: str | None = None) -> Cell:
    if value is None:
        return Cell("–", -1, figure, numeric=True)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return Cell(text, value, figure, numeric=True)


def pct(share: float | None) -> Cell:
    if share is None:
        return Cell("–", -1, numeric=True)
    return Cell(f"{share:.1%}", share, numeric=True)


def score(value: Any) -> Cell:
    if not isinstance(value, int | float):
        return Cell("–", -1, numeric=True)
    return Cell(f"{value:.3f}", value, numeric=True)


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def table(
    headers: Sequence[tuple[str, bool]],
    rows: Sequence[Sequence[Cell | str]],
    sortable: bool = False,
    css: str = "",
) -> str:
    """``headers``: (label, numeric). A ``str`` cell is text (escaped here), a :class:`Cell` holds HTML.
    Sortable tables get buttons in their headers from the page script."""
    classes = " ".join(c for c in ("sortable" if sortable else "", css) if c)
    out = [f'<table class="{classes}">' if classes else "<table>", "<thead><tr>"]
    for label, numeric in headers:
        kind = ' class="n" data-type="number"' if numeric else ' data-type="text"'
        out.append(f"<th{kind}>{_esc(label)}</th>")
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for cell in row:
            if isinstance(cell, str):
                cell = Cell(_esc(cell))
            attrs = ""
            classes = " ".join(c for c in ("n" if cell.numeric else "", cell.css) if c)
            if classes:
                attrs += f' class="{classes}"'
            if cell.sort is not None:
                attrs += f' data-sort="{_esc(cell.sort)}"'
            if cell.figure:
                attrs += f' data-figure="{_esc(cell.figure)}"'
            out.append(f"<td{attrs}>{cell.text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def figure(svg: str | None, name: str, caption: str) -> str:
    if not svg:
        return ""
    return f'<figure>{svg}<figcaption id="plot-{name}">{_esc(caption)}</figcaption></figure>'


def _shares(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{_esc(i['value'])} {i['share']:.0%}" for i in items) or "–"


def _card(value: Any, label: str, name: str) -> str:
    text = f"{value:,}" if isinstance(value, int) else "–" if value is None else _esc(value)
    return f'<div class="card"><b data-figure="{name}">{text}</b><span>{_esc(label)}</span></div>'


def header(figures: dict[str, Any]) -> str:
    report = figures["report"]
    runs = report["runs"]
    covered = (
        report["first_run"] if runs == 1 else f"{runs} runs, {report['first_run']} to {report['last_run']}"
    )
    return (
        "<header><h1>Corpus report</h1>"
        f"<p><code>{_esc(report['folder'])}</code>: {_esc(covered)}</p>"
        f"<p>generated {_esc(report['generated_at'])} by newscorpus {_esc(report['newscorpus_version'])}, "
        "from the run folders alone (manifests, shards, duplicates, rejections, updates)</p>"
        '<nav><a href="#funnel">Funnel</a><a href="#sites">Sites</a><a href="#rights">Rights</a>'
        '<a href="#time">Time</a>'
        '<a href="#languages">Languages and lengths</a><a href="#syndication">Syndication</a></nav></header>'
    )


def notes_section(figures: dict[str, Any]) -> str:
    skipped = figures["report"]["skipped"]
    if not skipped:
        return ""
    rows: list[list[Cell | str]] = [[s["reason"], num(s["count"]), ", ".join(s["examples"])] for s in skipped]
    return (
        '<section id="notes" class="warn"><h2>Skipped while reading</h2>'
        + table([("what", False), ("count", True), ("first places", False)], rows)
        + "</section>"
    )


def funnel_section(figures: dict[str, Any], plots: dict[str, str | None]) -> str:
    f = figures["funnel"]
    entered = f["entered"]
    cards = (
        '<div class="cards">'
        + _card(entered["count"], entered["label"], "funnel.entered")
        + _card(f["article_pages"], "article pages fetched", "funnel.article_pages")
        + _card(f["written"], "articles written", "funnel.written")
        + _card(f["duplicates"], "duplicates dropped", "funnel.duplicates")
        + _card(f["rejected"], "rejected", "funnel.rejected")
        + _card(f["updates"], "updated articles", "funnel.updates")
        + "</div>"
    )
    steps: list[list[Cell | str]] = [
        [s["step"], num(s["count"], f"funnel.step.{s['step']}"), pct(s["share"])] for s in f["steps"]
    ]
    outcomes: list[list[Cell | str]] = []
    for row in f["outcome_rows"]:
        name = (
            row["outcome"]
            .replace("duplicate: ", "duplicates_by_kind.")
            .replace("rejected: ", "rejected_by_reason.")
        )
        outcomes.append([row["outcome"], num(row["count"], f"funnel.{name}"), pct(row["share"])])
    return (
        '<section id="funnel"><h2>Funnel</h2>'
        + cards
        + '<div class="pair"><div><h3>Through the stages</h3>'
        + figure(plots.get("funnel"), "funnel", "article pages left after each stage that removed some")
        + table([("step", False), ("pages", True), ("share of article pages", True)], steps)
        + "</div><div><h3>Where every URL ended</h3>"
        + table([("outcome", False), ("count", True), ("share", True)], outcomes)
        + '<p class="note">Shares are of every URL the runs settled: written, dropped as a copy, or rejected '
        "(including URLs rejected before any fetch, such as robots.txt or non-article sitemap entries).</p>"
        + "</div></div></section>"
    )


def sites_section(figures: dict[str, Any], plots: dict[str, str | None]) -> str:
    sites = figures["sites"]
    rows: list[list[Cell | str]] = []
    for s in sites[:SITES_SHOWN]:
        top = s["top_rejection"]
        empty = pct(s["empty_share"])
        if s["empty_share"] is not None and s["empty_share"] >= 0.2:
            empty = Cell(empty.text, empty.sort, numeric=True, css="bad")
        rows.append(
            [
                s["domain"],
                num(s["written"]),
                num(s["duplicates"]),
                num(s["rejected"]),
                Cell(_esc(f"{top['reason']} ({top['count']:,})") if top else "–"),
                empty,
                num(s["median_words"]),
                Cell(_shares(s["languages"])),
                Cell(_shares(s["date_sources"])),
            ]
        )
    headers = [
        ("site", False),
        ("written", True),
        ("duplicates", True),
        ("rejected", True),
        ("top rejection", False),
        ("no text / not article", True),
        ("median words", True),
        ("languages", False),
        ("date sources", False),
    ]
    more = (
        f'<p class="note">The {SITES_SHOWN} sites with most articles of {len(sites):,}; report.json has all.</p>'
        if len(sites) > SITES_SHOWN
        else ""
    )
    return (
        '<section id="sites"><h2>Sites</h2>'
        + figure(plots.get("sites"), "sites", "pages of each site by outcome")
        + '<p class="note">Click a column to sort. "No text / not article" is the share of a site\'s article '
        "pages with no main text or no article in them: a site whose layout changed shows up here (red from "
        "20%).</p>" + more + f'<div class="scroll">{table(headers, rows, sortable=True)}</div></section>'
    )


#: The rights signals as the page names them (``pipelines.extract.rights.SIGNALS``).
RIGHTS_LABELS = {
    "tdm_reserved": "TDM reserved",
    "tdm_policy": "TDM policy",
    "ai_crawlers_disallowed": "AI crawlers disallowed",
    "noai": "noai",
    "license": "licence",
    "paywalled": "paywalled",
}


def rights_section(figures: dict[str, Any]) -> str:
    r = figures["rights"]
    signals = r["signals"]
    cards = '<div class="cards">' + "".join(
        _card(r["total"][s]["count"], f"articles {RIGHTS_LABELS.get(s, s)}", f"rights.total.{s}")
        for s in signals
    )
    rows: list[list[Cell | str]] = [
        [site["domain"], num(site["articles"]), *(pct(site["signals"][s]["share"]) for s in signals)]
        for site in r["sites"][:SITES_SHOWN]
    ]
    headers = [("site", False), ("articles", True), *((RIGHTS_LABELS.get(s, s), True) for s in signals)]
    return (
        '<section id="rights"><h2>Rights</h2>'
        + cards
        + "</div>"
        + '<p class="note">What publishers declared, per article (the record\'s <code>rights</code>): a TDMRep '
        "reservation (header, meta tag or the site's tdmrep.json), robots.txt keeping AI-training crawlers out "
        "of the article's path, noai, a licence link, a paywall. Shares are of each site's articles.</p>"
        + f'<div class="scroll">{table(headers, rows, sortable=True)}</div></section>'
    )


def time_section(figures: dict[str, Any], plots: dict[str, str | None]) -> str:
    t = figures["time"]
    lag: list[list[Cell | str]] = [[b["lag"], num(b["count"]), pct(b["share"])] for b in t["lag"]]
    span = f"{t['first_day']} to {t['last_day']}" if t["first_day"] else "no dated articles"
    runs: list[list[Cell | str]] = [
        [
            r["run_id"],
            r["status"],
            r["started_at"] or "–",
            num(r["entered"]),
            num(r["written"]),
            num(r["duplicates"]),
            num(r["rejected"]),
            num(r["failures"]),
            num(r["updates"]),
        ]
        for r in figures["runs"]
    ]
    headers = [
        ("run", False),
        ("status", False),
        ("started", False),
        ("pages in", True),
        ("written (new)", True),
        ("duplicates", True),
        ("rejected", True),
        ("failures", True),
        ("updates", True),
    ]
    median = t["lag_median_hours"]
    return (
        '<section id="time"><h2>Time</h2>'
        f"<p>Publication dates {_esc(span)}; {t['no_date']:,} articles without a date. Median time from "
        f"publication to fetch: {'–' if median is None else f'{median:,} hours'}.</p>"
        + figure(plots.get("days"), "days", "articles written, by the day they were published")
        + '<div class="pair"><div>'
        + figure(plots.get("lag"), "lag", "how long after publication the articles were fetched")
        + "</div><div>"
        + table([("publication to fetch", False), ("articles", True), ("share", True)], lag)
        + "</div></div><h3>Across runs</h3>"
        + figure(plots.get("runs"), "runs", "one bar a run: new articles and duplicates; the line: failures")
        + '<p class="note">Failures: pages whose fetch failed (fetch/*) or whose worker crashed or timed out.</p>'
        + f'<div class="scroll">{table(headers, runs, sortable=True)}</div></section>'
    )


def languages_section(figures: dict[str, Any], plots: dict[str, str | None]) -> str:
    lang = figures["languages"]
    lengths = figures["lengths"]
    detected: list[list[Cell | str]] = [
        [r["language"], num(r["count"]), pct(r["share"])] for r in lang["detected"]
    ]
    declared: list[list[Cell | str]] = [
        [
            r["declared"],
            r["detected"],
            num(r["count"]),
            Cell("yes") if r["agrees"] else Cell("no", css="bad"),
        ]
        for r in lang["declared_vs_detected"]
    ]
    agreement = "–" if lang["agreement"] is None else f"{lang['agreement']:.1%}"
    quantiles: list[list[Cell | str]] = [[name, num(value)] for name, value in lengths["quantiles"].items()]
    bins: list[list[Cell | str]] = [
        [f"{b['from']:,}+" if b["to"] is None else f"{b['from']:,} to {b['to'] - 1:,}", num(b["count"])]
        for b in lengths["histogram"]
    ]
    return (
        '<section id="languages"><h2>Languages and lengths</h2><div class="pair"><div>'
        + figure(plots.get("languages"), "languages", "articles by the language langdetect found")
        + table([("language", False), ("articles", True), ("share", True)], detected)
        + "</div><div><h3>Declared against detected</h3>"
        + f"<p>The page's declared language agrees with the detected one for {agreement} of the articles "
        f"that declare one; {lang['undeclared']:,} declare none.</p>"
        + f'<div class="scroll">{table([("declared", False), ("detected", False), ("articles", True), ("agrees", False)], declared)}</div>'
        + '</div></div><h3 id="lengths">Lengths</h3><div class="pair"><div>'
        + figure(plots.get("lengths"), "lengths", "articles by word count")
        + "</div><div>"
        + f"<p>{lengths['articles']:,} articles, {lengths['total_words']:,} words, "
        f"mean {'–' if lengths['mean'] is None else lengths['mean']} words.</p>"
        + table([("quantile", False), ("words", True)], quantiles)
        + table([("words", False), ("articles", True)], bins)
        + "</div></div></section>"
    )


def syndication_section(figures: dict[str, Any], plots: dict[str, str | None]) -> str:
    syn = figures["syndication"]
    kinds = ", ".join(f"{k} {v:,}" for k, v in syn["by_kind"].items()) or "none"
    matrix = syn["matrix"]
    out = [
        '<section id="syndication"><h2>Syndication</h2>',
        f"<p>{syn['copies']:,} copies dropped ({_esc(kinds)}): {syn['across_sites']:,} of another site's "
        f"story, {syn['within_site']:,} of the same site's.</p>",
    ]
    if matrix["rows"]:
        out.append(figure(plots.get("syndication"), "syndication", "copies dropped, by the outlet kept (rows) "
                          "and the outlet whose copy was dropped (columns)"))  # fmt: skip
        headers = [("kept \\ dropped", False)] + [(c, True) for c in matrix["columns"]]
        matrix_rows: list[list[Cell | str]] = [
            [r, *(num(v) for v in counts)] for r, counts in zip(matrix["rows"], matrix["counts"], strict=True)
        ]
        out.append(f'<div class="scroll">{table(headers, matrix_rows)}</div>')
        if matrix["more_rows"] or matrix["more_columns"]:
            out.append('<p class="note">The busiest outlets only; report.json lists every pair.</p>')
    out.append("<h3>Largest clusters</h3>")
    for n, cluster in enumerate(syn["clusters"]):
        title = cluster["kept_title"] or f"article {cluster['kept_id']} (not in the runs reported)"
        kinds = ", ".join(f"{k} {v}" for k, v in cluster["kinds"].items())
        rows: list[list[Cell | str]] = [
            [c["domain"], c["kind"], score(c["score"]), Cell(_link(c["title"] or c["id"], c["url"]))]
            for c in cluster["shown"]
        ]
        more = cluster["copies"] - len(cluster["shown"])
        out.append(
            f"<details{' open' if n == 0 else ''}><summary><b>{_esc(title)}</b>: kept from "
            f"{_esc(cluster['kept_domain'] or '?')}, {cluster['copies']:,} copies ({_esc(kinds)})</summary>"
            + (f"<p>{_link(cluster['kept_url'], cluster['kept_url'])}</p>" if cluster["kept_url"] else "")
            + table([("site", False), ("kind", False), ("score", True), ("copy", False)], rows)
            + (f'<p class="note">and {more:,} more</p>' if more > 0 else "")
            + "</details>"
        )
    if not syn["clusters"]:
        out.append('<p class="note">No copies were dropped.</p>')
    out.append("</section>")
    return "".join(out)


def _link(text: Any, url: Any) -> str:
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return f'<a href="{_esc(url)}" rel="noreferrer">{_esc(text)}</a>'
    return _esc(text)


def render_page(figures: dict[str, Any], plots: dict[str, str | None]) -> str:
    """The whole page as one string."""
    body = "".join(
        [
            header(figures),
            "<main>",
            notes_section(figures),
            funnel_section(figures, plots),
            sites_section(figures, plots),
            rights_section(figures),
            time_section(figures, plots),
            languages_section(figures, plots),
            syndication_section(figures, plots),
            "</main>",
        ]
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>Corpus report: {_esc(figures['report']['folder'])}</title>"
        f"<style>{STYLE}</style></head><body>{body}<script>{SCRIPT}</script></body></html>\n"
    )
