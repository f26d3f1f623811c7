"""Reading web archives: the pieces (sources, remote streams, records, payloads, filters) and ``newscorpus warc``
end to end on archives of the local test site, written by the tests with the quirks real archives carry."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler.archives.filters import RecordFilter, host_matches, parse_hosts
from crawler.archives.http import dechunk, decoded_payload
from crawler.archives.records import Reading, read_entries
from crawler.archives.remote import RemoteStream
from crawler.archives.sources import ArchiveFile, SourceError, cc_news_months, resolve
from tests.archive_server import ArchiveServer
from tests.crawl_helpers import REPO, read_jsonl
from tests.newssite import NewsSite
from tests.warc_fixtures import Capture, fetch_pages, write_warc

SHARED = REPO.parent / "shared" / "benchmarks" / "warc"


# -- payloads, hosts, sources ----------------------------------------------------------------------------


def test_a_payload_is_decoded_only_as_far_as_the_body_agrees_with_its_headers() -> None:
    page = b"<html><body><p>Harbour news</p></body></html>"
    chunked = (
        b"10\r\n"
        + page[:16]
        + b"\r\n"
        + f"{len(page) - 16:x}".encode()
        + b"\r\n"
        + page[16:]
        + b"\r\n0\r\n\r\n"
    )
    assert dechunk(chunked) == page
    assert decoded_payload(chunked, [("Transfer-Encoding", "chunked")]) == (page, None)
    assert decoded_payload(gzip.compress(page), [("Content-Encoding", "gzip")]) == (page, None)
    # A stale header over a body already decoded (a writer that decoded it but kept the header): kept as is.
    assert decoded_payload(page, [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]) == (
        page,
        None,
    )
    # CC-NEWS masks what it decoded: not an encoding to remove.
    assert decoded_payload(page, [("X-Crawler-Content-Encoding", "gzip")]) == (page, None)
    assert decoded_payload(b"\x1f\x8b\x00junk", [("Content-Encoding", "gzip")]) == (
        b"\x1f\x8b\x00junk",
        "gzip",
    )


def test_hosts_match_on_label_boundaries_never_as_substrings(tmp_path: Path) -> None:
    hosts = parse_hosts("www.Example.com,news.other.org")
    assert hosts == {"example.com", "news.other.org"}
    assert host_matches("example.com", hosts) and host_matches("www.example.com", hosts)
    assert host_matches("sport.example.com", hosts) and host_matches("a.news.other.org", hosts)
    assert not host_matches("badexample.com", hosts) and not host_matches("example.com.evil.net", hosts)
    assert not host_matches("other.org", hosts) and not host_matches("g.co", hosts)
    listed = tmp_path / "hosts.txt"
    listed.write_text("# outlets\nharbour.test\n\nhttps://www.meridian.test/news\n", encoding="utf-8")
    assert parse_hosts(f"@{listed}") == {"harbour.test", "meridian.test"}
    with pytest.raises(ValueError, match="not a host"):
        parse_hosts("exa mple.com")


def test_sources_resolve_files_folders_globs_and_listings(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    first = write_warc(tmp_path / "a" / "one.warc.gz", [Capture("http://x.test/1", b"<html><p>1</p></html>")])
    second = write_warc(
        tmp_path / "a" / "two.warc.gz", [Capture("http://x.test/2", b"<html><p>2</p></html>")]
    )
    (tmp_path / "a" / "notes.txt").write_text("not an archive", encoding="utf-8")
    listing = tmp_path / "files.paths.gz"
    listing.write_bytes(gzip.compress(b"crawl-data/one.warc.gz\n\nhttps://other.test/three.warc.gz\n"))
    assert [a.location for a in resolve([str(tmp_path / "a")])] == [str(first), str(second)]
    assert [a.location for a in resolve([str(tmp_path / "a" / "*.warc.gz"), str(first)])] == [
        str(first),
        str(second),
    ]
    assert [a.location for a in resolve([str(listing)], "https://data.test/")] == [
        "https://data.test/crawl-data/one.warc.gz",
        "https://other.test/three.warc.gz",
    ]
    for bad in (str(tmp_path / "missing.warc.gz"), str(tmp_path / "*.nothing"), "cc-news:2026-13"):
        with pytest.raises(SourceError):
            resolve([bad])


def test_a_cc_news_range_reads_every_month_it_touches() -> None:
    from datetime import date

    # 15 January to 10 February reads both months' listings (a peer's range read January only).
    assert list(cc_news_months(date(2026, 1, 15), date(2026, 2, 10))) == [(2026, 1), (2026, 2)]
    assert list(cc_news_months(date(2025, 12, 31), date(2026, 1, 1))) == [(2025, 12), (2026, 1)]


def test_cc_news_source_reads_listings_and_streams_files_from_a_server(tmp_path: Path) -> None:
    """The listings under the base URL give the files in the range, by their names' time stamps; a 503 is retried
    and a connection broken mid-file resumes with a Range request, so the file reads whole."""
    warc = write_warc(
        tmp_path / "x.warc.gz",
        [Capture(f"http://x.test/{n}", b"<html><p>%d</p></html>" % n) for n in range(30)],
    )
    data = warc.read_bytes()
    january = "crawl-data/CC-NEWS/2026/01/warc/CC-NEWS-20260131230000-00001.warc.gz"
    too_early = "crawl-data/CC-NEWS/2026/01/warc/CC-NEWS-20260114230000-00000.warc.gz"
    february = "crawl-data/CC-NEWS/2026/02/warc/CC-NEWS-20260201000000-00002.warc.gz"
    files = {
        "/crawl-data/CC-NEWS/2026/01/warc.paths.gz": gzip.compress(f"{too_early}\n{january}\n".encode()),
        "/crawl-data/CC-NEWS/2026/02/warc.paths.gz": gzip.compress(f"{february}\n".encode()),
        "/" + january: data,
        "/" + february: data,
    }
    with ArchiveServer(
        files, fail_first={"/" + january}, break_after={"/" + february: len(data) // 2}
    ) as server:
        archives = resolve(["cc-news:2026-01-15..2026-02-10"], server.url)
        assert [a.location for a in archives] == [server.url + january, server.url + february]
        for archive in archives:
            reading = Reading()
            pages = [
                e
                for e in read_entries(archive, 0, RecordFilter().head, RecordFilter().http, reading, 1 << 20)
            ]
            assert sum(1 for e in pages if e.payload is not None) == 30 and reading.partial is None
        statuses = [(path, status) for path, _, status in server.requests if path.endswith(".warc.gz")]
        assert ("/" + january, 503) in statuses
        resumed = [asked for path, asked, _ in server.requests if path == "/" + february and asked]
        assert resumed and resumed[0] == f"bytes={len(data) // 2}-"


def test_a_remote_stream_starts_at_an_offset_and_retries_server_errors() -> None:
    data = bytes(range(256)) * 400
    with ArchiveServer({"/f": data}, fail_first={"/f"}) as server:
        stream = RemoteStream(server.url + "f", 1000, backoff=0.0)
        assert stream.read() == data[1000:] and stream.tell() == len(data)
        stream.close()


# -- records --------------------------------------------------------------------------------------------


def _pages(path: Path, reading: Reading, offset: int = 0) -> list[Any]:
    flt = RecordFilter()
    return [e for e in read_entries(ArchiveFile(str(path)), offset, flt.head, flt.http, reading, 1 << 20)]


def test_records_come_with_offsets_that_read_them_back(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    path = write_warc(
        tmp_path / "f.warc.gz",
        [Capture(f"http://x.test/{n}", b"<html><p>%d</p></html>" % n) for n in range(5)],
    )
    reading = Reading()
    entries = _pages(path, reading)
    pages = [e for e in entries if e.payload is not None]
    assert len(pages) == 5 and reading.records == {"warcinfo": 1, "request": 5, "response": 5}
    assert reading.digests == {"ok": 5}
    with open(path, "rb") as fh:
        for entry in pages:
            fh.seek(entry.head.offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Record-ID") == entry.head.record_id
            assert entry.length is not None and entry.length > 0
    # From an offset: the records from there on, with the same offsets.
    later = [e for e in _pages(path, Reading(), pages[3].head.offset) if e.payload is not None]
    assert [e.head.offset for e in later] == [e.head.offset for e in pages[3:]]


def test_a_cut_file_keeps_the_records_before_and_flags_the_cut_one(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "f.warc.gz",
        [Capture(f"http://x.test/{n}", b"<html><p>%d</p></html>" % n * 300) for n in range(6)],
    )
    data = path.read_bytes()
    whole = [e for e in _pages(path, Reading()) if e.payload is not None]
    cut_at = whole[4].head.offset + whole[4].length // 2
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:cut_at])
    reading = Reading()
    kept = [e for e in _pages(cut, reading) if e.payload is not None or e.head.kind == "response"]
    assert [e.head.target_uri for e in kept[:4]] == [f"http://x.test/{n}" for n in range(4)]
    assert all(e.head.truncated is None for e in kept[:4])
    assert len(kept) == 4 or kept[4].head.truncated is not None or reading.partial is not None
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[: whole[3].head.offset] + b"\x1f\x8b\x08\x00garbage that is not gzip" * 50)
    reading = Reading()
    before = [e for e in _pages(broken, reading) if e.payload is not None]
    assert len(before) == 3 and reading.partial  # the records before the break, and the file marked partial


# -- newscorpus warc, end to end ----------------------------------------------------------------------------


def ingest(*args: str, check: bool = True, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "warc", *args, "-s", "NEWSCORPUS_WORKERS=0"],
        cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done


def run_of(out: Path) -> tuple[dict[str, Any], list[dict[str, Any]], Path]:
    manifests = sorted((out / "runs").glob("*/manifest.json"))
    assert manifests, "no run written"
    run_dir = manifests[-1].parent
    articles = [a for shard in sorted(run_dir.glob("articles-*.jsonl")) for a in read_jsonl(shard)]
    return json.loads(manifests[-1].read_text()), articles, run_dir


@pytest.fixture(scope="module")
def site_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, str]]:
    """An archive of the local site's expected articles with the quirks of real files: one page gzip-encoded,
    one chunked, one in windows-1252 declared only in the HTTP header, a re-capture, a revisit, a 404 and an
    image."""
    folder = tmp_path_factory.mktemp("site-archive")
    with NewsSite() as site:
        expected = site.expected_articles()
        captures = fetch_pages(a.url for a in expected)
    titles = {a.url: a.title for a in expected}
    captures[0].encode = "gzip"
    captures[1].encode = "chunked"
    latin = captures[2]
    latin.body = (
        latin.body.decode("utf-8")
        .replace('charset="utf-8"', "")
        .replace("charset=utf-8", "")
        .encode("cp1252", "replace")
    )
    latin.headers = [("Content-Type", "text/html; charset=windows-1252")]
    extra = [
        Capture(captures[3].url, captures[3].body, date="2026-11-21T10:00:00Z"),  # a re-capture
        Capture(captures[4].url, b"", revisit_of=captures[4].url),
        Capture(captures[0].url.rsplit("/", 2)[0] + "/gone/", b"<html>not found</html>", status=404),
        Capture(
            captures[0].url.rsplit("/", 2)[0] + "/logo.png",
            b"\x89PNG....",
            headers=[("Content-Type", "image/png")],
        ),
    ]
    path = write_warc(folder / "site.warc.gz", [*captures, *extra])
    return path, [c.url for c in captures], titles


def test_warc_ingest_writes_each_article_once_with_its_record_pointer(
    site_archive: tuple[Path, list[str], dict[str, str]], tmp_path: Path
) -> None:
    from warcio.archiveiterator import ArchiveIterator

    path, urls, titles = site_archive
    ingest(str(path), "--out", str(tmp_path), "--no-state")
    manifest, articles, run_dir = run_of(tmp_path)
    assert manifest["status"] == "finished" and manifest["source"] == "warc"
    by_url = {a["url"]: a for a in articles}
    assert set(by_url) == set(urls)  # every page once: the re-capture is a copy, the revisit no article
    assert all(by_url[u]["title"] == titles[u] for u in urls)  # decoded right: gzip, chunked, cp1252
    assert "\ufffd" not in by_url[urls[2]]["text"]
    duplicates = read_jsonl(run_dir / "duplicates.jsonl")
    assert [(d["url"], d["kind"]) for d in duplicates] == [(urls[3], "exact")]
    account = manifest["archives"][0]
    assert account["records"]["revisit"] == 1 and account["skipped"]["revisit"] == 1
    assert account["skipped"]["status-404"] == 1 and account["skipped"]["not-html"] == 1
    for article in articles:
        assert article["source"] == "warc" and article["fetched_at"] == "2026-11-20T10:00:00Z"
        pointer = article["warc"]
        assert pointer["file"] == str(path) and pointer["date"] == article["fetched_at"]
        with open(path, "rb") as fh:
            fh.seek(pointer["offset"])
            record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Record-ID") == pointer["record_id"]
        assert record.rec_headers.get_header("WARC-Target-URI") == article["url"]


def test_a_second_ingest_on_the_same_state_reads_nothing_again(
    site_archive: tuple[Path, list[str], dict[str, str]], tmp_path: Path
) -> None:
    path, urls, _ = site_archive
    ingest(str(path), "--out", str(tmp_path), "--run-id", "first")
    ingest(str(path), "--out", str(tmp_path), "--run-id", "second")
    second = json.loads((tmp_path / "runs" / "second" / "manifest.json").read_text())
    assert second["counts"]["written"] == 0 and second["stats"]["newscorpus/warc/files_already_read"] == 1
    first = json.loads((tmp_path / "runs" / "first" / "manifest.json").read_text())
    assert first["counts"]["written"] == len(urls)


def test_a_kill_in_the_middle_of_a_file_and_a_resume_give_every_article_once(
    site_archive: tuple[Path, list[str], dict[str, str]], tmp_path: Path
) -> None:
    path, urls, _ = site_archive
    killed = ingest(
        str(path), "--out", str(tmp_path), "--run-id", "r", "-s", "NEWSCORPUS_CRASH_AT=line:4",
        "-s", "NEWSCORPUS_WARC_CHECKPOINT_EVERY=0", check=False,
    )  # fmt: skip
    assert killed.returncode == -9
    import sqlite3

    with sqlite3.connect(tmp_path / "state" / "state.sqlite") as db:
        offset, status = db.execute("SELECT next_offset, status FROM archives").fetchone()
    assert status == "reading" and offset > 0  # a checkpoint inside the file, not byte 0
    ingest(str(path), "--out", str(tmp_path), "--resume")
    ids = Counter(
        a["id"] for shard in (tmp_path / "runs" / "r").glob("articles-*.jsonl") for a in read_jsonl(shard)
    )
    assert len(ids) == len(urls) and set(ids.values()) == {1}


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/benchmarks/warc is not here")
def test_every_real_archive_is_read_and_accounted_for(tmp_path: Path) -> None:
    """The archives of other projects (../shared): every file read without a crash, each record counted."""
    bad = SHARED / "real" / "warcio" / "example-bad.warc.gz.bad"
    ingest(str(SHARED / "real"), str(bad), "--out", str(tmp_path), "--no-state", timeout=600)
    manifest, articles, _ = run_of(tmp_path)
    files = {Path(a["file"]).name: a for a in manifest["archives"]}
    assert len(files) >= 30
    assert files["clipped.warc.gz"]["truncated"] == 1  # cut mid-record: flagged, not kept as complete
    assert (
        files["iana.warc.gz"]["records"]["revisit"] == 123
        and files["example.arc.gz"]["records"]["response"] == 1
    )
    assert files["example-bad-non-chunked.warc.gz"]["seekable"] is False
    assert articles  # the real news page and others became articles


def test_a_listing_skips_and_counts_bad_lines(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from crawler.archives.sources import SourceError, listing

    paths = tmp_path / "files.paths"
    paths.write_bytes(
        b"crawl-data/one.warc.gz\n\xff\xfebroken.warc.gz\ncrawl-data/t\x01wo.warc.gz\ncrawl-data/three.warc.gz\n"
    )
    with caplog.at_level("WARNING"):
        found = listing(str(paths), "https://data.test/")
    assert [a.location for a in found] == [
        "https://data.test/crawl-data/one.warc.gz",
        "https://data.test/crawl-data/three.warc.gz",
    ]
    assert f"{paths}:2: skipped, invalid UTF-8" in caplog.text
    assert "2 lines skipped (invalid UTF-8 1, not a path or URL 1)" in caplog.text
    binary = tmp_path / "image.paths"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(SourceError, match="binary"):
        listing(str(binary), "https://data.test/")


def test_a_listing_over_the_cap_is_refused_before_it_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    from crawler.archives import sources

    monkeypatch.setattr(sources, "MAX_LISTING_BYTES", 4096)
    small = tmp_path / "small.paths.gz"
    small.write_bytes(gzip.compress(b"crawl-data/one.warc.gz\n" * 100))
    assert len(sources.listing(str(small), "https://data.test/")) == 100
    bomb = tmp_path / "bomb.paths.gz"  # 230 bytes compressed, 1 MB decompressed
    bomb.write_bytes(gzip.compress(b"crawl-data/one.warc.gz\n" * 50_000))
    with pytest.raises(sources.SourceError, match="too large for a listing"):
        sources.listing(str(bomb), "https://data.test/")
