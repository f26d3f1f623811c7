"""``newscorpus crawl --warc``: every response a crawl receives, archived as WARC, read back with warcio and
FastWARC.

Two real crawls serve most tests: the local news site (gzip pages, redirects, a 404 and a 500, shortlinks with a
query string), with files rotated small; and the misbehaving outlet (a chunked page with repeated headers, pages
cut by DOWNLOAD_MAXSIZE, a timeout or a reset, redirect chains, a gzip bomb). A third kills a crawl and lets
the next one recover its open file.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import subprocess
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator

from crawler.archives.cdxj import index_file
from crawler.archives.fetch_records import Capture, archived_head, capture_records
from crawler.archives.writer import (
    ArchiveThread,
    WarcFiles,
    complete_members,
    gzip_member,
    recover_folder,
)
from pipelines.write.merge import merge_run
from pipelines.write.run_folder import WriterConfig, warc_listing
from pipelines.write.writer import CorpusWriter
from tests.crawl_helpers import RunOutput, crawl, crawl_command, start_crawl
from tests.newssite import NewsSite
from tests.newssite.misbehaving import (
    GZIP_BOMB,
    HUGE,
    HUGE_CHUNKED,
    REDIRECT_CHAIN,
    RESET_MID_BODY,
    STALL_MID_BODY,
    MisbehavingSite,
)

pytestmark = pytest.mark.e2e

NAME = re.compile(r"^newscorpus-\d{14}-\d{5}\.warc\.gz$")


@dataclass
class Record:
    file: Path
    offset: int
    type: str
    headers: dict[str, str]
    http: list[tuple[str, str]] = field(default_factory=list)
    status_line: str = ""
    payload: bytes = b""

    def http_values(self, name: str) -> list[str]:
        return [v for k, v in self.http if k.lower() == name.lower()]


def read_records(path: Path) -> list[Record]:
    out = []
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh, check_digests="raise")
        for rec in iterator:
            http = rec.http_headers
            status = ""
            if http is not None:
                status = f"{http.protocol} {http.statusline}"
            payload = rec.raw_stream.read()  # as stored: not de-chunked, not decoded (before the offset,
            # which warcio finds by reading to the record's end)
            record = Record(
                path,
                iterator.get_record_offset(),
                rec.rec_type,
                dict(rec.rec_headers.headers),
                list(http.headers) if http is not None else [],
                status,
                payload,
            )
            out.append(record)
    return out


@dataclass
class Archive:
    run: RunOutput
    files: list[Path]
    records: list[Record]

    def of_type(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.type == kind]

    def responses_to(self, path: str) -> list[Record]:
        return [r for r in self.of_type("response") if urlsplit(r.headers["WARC-Target-URI"]).path == path]


def archive_of(run: RunOutput) -> Archive:
    folder = run.run_dir / "warc"
    files = sorted(folder.glob("*.warc.gz"))
    return Archive(run, files, [r for path in files for r in read_records(path)])


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture(scope="module")
def news(site: NewsSite, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    out = tmp_path_factory.mktemp("warc-news")
    run = crawl(site.base_urls, out, "--warc", "-s", "NEWSCORPUS_WARC_MAX_BYTES=60000", run_id="news")
    return archive_of(run)


@pytest.fixture(scope="module")
def chronicle() -> Iterator[MisbehavingSite]:
    with MisbehavingSite(
        stall_seconds=20, bomb_bytes=4 << 20, huge_bytes=300_000, chunked_bytes=100_000
    ) as running:
        yield running


@pytest.fixture(scope="module")
def bad(chronicle: MisbehavingSite, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    out = tmp_path_factory.mktemp("warc-bad")
    run = crawl(
        [chronicle.base_url], out, "--warc", "--no-state", "--follow-depth", "1",
        "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_MAXSIZE=200000",
        run_id="bad",
    )  # fmt: skip
    return archive_of(run)


# -- every response, linked --------------------------------------------------------------------------------


def test_every_response_the_crawl_received_is_archived(site: NewsSite, news: Archive) -> None:
    responses = news.of_type("response")
    served = Counter(r.path for r in site.request_log)
    # The request-target of each archived request, as the server read it: every request it answered is there.
    archived = Counter(r.status_line.split(" ")[1] for r in news.of_type("request"))
    assert archived == served
    assert len(responses) == len(news.of_type("request"))
    stats = news.run.manifest["stats"]
    status_counts = sum(v for k, v in stats.items() if k.startswith("downloader/response_status_count/"))
    assert len(responses) == status_counts == stats["newscorpus/archived/captures"]
    statuses = Counter(r.status_line.split(" ")[1] for r in responses)
    assert {"200", "301", "404", "500"} <= set(statuses), statuses
    # robots.txt, sitemaps, feeds, article pages and pages the crawl rejected are all there
    paths = {urlsplit(r.headers["WARC-Target-URI"]).path for r in responses}
    assert "/robots.txt" in paths and "/feed/" in paths and any("sitemap" in p for p in paths)
    assert {urlsplit(a["url"]).path for a in news.run.articles} <= paths
    never_sent = {"robots-disallowed", "robots-unreachable", "offsite"}  # refused before any request
    fetched = [r for r in news.run.rejected if r["stage"] != "discover" and r["reason"] not in never_sent]
    assert {urlsplit(r["url"]).path for r in fetched} <= paths


def test_request_and_response_are_linked_and_described(news: Archive) -> None:
    by_id = {r.headers["WARC-Record-ID"]: r for r in news.records}
    for response in news.of_type("response"):
        request = by_id[response.headers["WARC-Concurrent-To"]]
        assert request.type == "request"
        assert request.headers["WARC-Concurrent-To"] == response.headers["WARC-Record-ID"]
        assert request.headers["WARC-Target-URI"] == response.headers["WARC-Target-URI"]
        assert request.headers["WARC-Date"] == response.headers["WARC-Date"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", response.headers["WARC-Date"])
        assert response.headers["WARC-IP-Address"] in ("127.0.0.1", "127.0.0.2")
        assert request.file == response.file
    metadata = news.of_type("metadata")
    assert len(metadata) == len(news.of_type("response"))
    fields = [dict(line.split(": ", 1) for line in m.payload.decode().splitlines() if line) for m in metadata]
    assert {f["page"] for f in fields} >= {"robots", "sitemap", "feed", "hub", "article"}
    vias = {f.get("via") for f in fields if f["page"] == "article"}
    assert vias & {"sitemap", "news-sitemap"} and vias <= {"news-sitemap", "sitemap", "feed", "link", "start"}
    redirected = [m for m in metadata if b"redirected-from: " in m.payload]
    assert redirected, "the moved article's metadata names the URL it was moved from"
    for m in metadata:
        assert by_id[m.headers["WARC-Concurrent-To"]].type == "response"


def test_digests_verify_with_warcio_and_fastwarc(news: Archive) -> None:
    # warcio: read_records checks every digest (check_digests="raise"). FastWARC 2 checks them again: the
    # block digest over the unparsed record, the payload digest once it has parsed the HTTP head.
    blocks = payloads = 0
    for path in news.files:
        with open(path, "rb") as fh:
            for record in FastIterator(fh, parse_http=False):
                assert record.verify_block_digest(), record.record_id
                blocks += 1
        with open(path, "rb") as fh:
            for record in FastIterator(fh, parse_http=True):
                if record.headers.get("WARC-Type") in ("request", "response"):
                    assert record.verify_payload_digest(), record.record_id
                    payloads += 1
    assert blocks == len(news.records)
    assert payloads == 2 * len(news.of_type("response"))
    for response in news.of_type("response"):
        assert response.headers["WARC-Payload-Digest"].startswith("sha1:")
        assert response.headers["WARC-Block-Digest"].startswith("sha1:")


def test_gzip_encoded_bodies_are_stored_as_received(site: NewsSite, news: Archive) -> None:
    encoded = [r for r in news.of_type("response") if r.http_values("Content-Encoding") == ["gzip"]]
    assert len(encoded) > 20
    for response in encoded:
        assert response.payload[:2] == b"\x1f\x8b"
        assert response.http_values("Content-Length") == [str(len(response.payload))]
        gzip.decompress(response.payload)
    for request in news.of_type("request"):
        assert "gzip" in request.http_values("Accept-Encoding")[0]


def test_request_line_keeps_the_query_and_the_host(news: Archive, bad: Archive) -> None:
    with_query = [r for r in bad.of_type("request") if urlsplit(r.headers["WARC-Target-URI"]).query]
    assert len(with_query) > 10, "the redirect chain's ?hop=N URLs"
    for request in with_query:
        target = urlsplit(request.headers["WARC-Target-URI"])
        assert request.status_line == f"GET {target.path}?{target.query} HTTP/1.1", request.status_line
    for request in news.of_type("request") + bad.of_type("request"):
        host = urlsplit(request.headers["WARC-Target-URI"]).netloc
        assert request.http_values("Host") == [host]
        assert request.http_values("User-Agent")


def test_files_rotate_each_opening_with_warcinfo(news: Archive) -> None:
    assert len(news.files) >= 3
    folder = news.run.run_dir / "warc"
    assert not list(folder.glob("*.open"))
    for path in news.files:
        assert NAME.match(path.name), path.name
        first = read_records(path)[0]
        assert first.type == "warcinfo"
        assert first.headers["WARC-Filename"] == path.name
        info = dict(line.split(": ", 1) for line in first.payload.decode().splitlines() if line)
        assert info["software"].startswith("newscorpus/")
        assert info["isPartOf"] == "news"
        assert info["robots"] == "obey"
        assert info["http-header-user-agent"].startswith("newscorpus/")
        assert sum(1 for r in read_records(path) if r.type == "warcinfo") == 1
    # each file stops near the limit: a new one starts once the next page would not fit
    sizes = [p.stat().st_size for p in news.files]
    assert all(size < 60000 + 40000 for size in sizes[:-1]), sizes


def test_the_manifest_lists_every_file(news: Archive) -> None:
    listed = news.run.manifest["warc"]
    assert [f["name"] for f in listed] == [p.name for p in news.files]
    import hashlib

    for entry, path in zip(listed, news.files, strict=True):
        assert entry["bytes"] == path.stat().st_size
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["records"] == len(read_records(path))
    stats = news.run.manifest["stats"]
    assert stats["newscorpus/archived/files"] == len(news.files)
    assert stats["newscorpus/archived/records"] == len(news.records)


def test_cdxj_index_points_at_each_response(news: Archive) -> None:
    for path in news.files:
        cdxj = path.with_name(path.name.removesuffix(".gz") + ".cdxj")
        lines = cdxj.read_text(encoding="utf-8").splitlines()
        assert lines == sorted(lines)
        assert lines == index_file(path), "the same index cdxj-indexer makes of the file"
        responses = {r.offset: r for r in read_records(path) if r.type == "response"}
        assert len(lines) == len(responses)
        data = path.read_bytes()
        for line in lines:
            key, stamp, fields_json = line.split(" ", 2)
            fields = json.loads(fields_json)
            assert fields["filename"] == path.name
            offset, length = int(fields["offset"]), int(fields["length"])
            member = zlib.decompressobj(31)
            record = member.decompress(data[offset : offset + length])
            assert member.eof and not member.unused_data, "offset and length frame one gzip member"
            assert record.startswith(b"WARC/1.1\r\n")
            response = responses[offset]
            assert response.headers["WARC-Target-URI"] == fields["url"]
            assert response.headers["WARC-Payload-Digest"] == fields["digest"]
            assert response.status_line.split(" ")[1] == fields["status"]
            assert stamp == re.sub(r"\D", "", response.headers["WARC-Date"])[:14]
            assert re.match(r"[12],0,0,127:\d+\)/", key), key


# -- what the misbehaving outlet sends ---------------------------------------------------------------------


def test_chunked_body_is_stored_without_its_framing(bad: Archive) -> None:
    (response,) = bad.responses_to(HUGE_CHUNKED)
    assert "WARC-Truncated" not in response.headers
    assert response.http_values("X-Crawler-Transfer-Encoding") == ["chunked"]
    assert not response.http_values("Transfer-Encoding")
    assert response.http_values("Content-Length") == ["100000"] == [str(len(response.payload))]
    assert response.payload.startswith(b"<!DOCTYPE html>") and b"\r\n186a0\r\n" not in response.payload


def test_repeated_headers_are_kept_apart(bad: Archive) -> None:
    (response,) = bad.responses_to(HUGE_CHUNKED)
    assert response.http_values("Set-Cookie") == ["archive_session=1; Path=/", "archive_consent=yes; Path=/"]
    # and the cookies went back to the server in the requests that followed, as sent
    assert any(r.http_values("Cookie") for r in bad.of_type("request"))


def test_pages_cut_short_are_marked_truncated(bad: Archive) -> None:
    (huge,) = bad.responses_to(HUGE)  # Content-Length over DOWNLOAD_MAXSIZE: refused once the headers came
    assert huge.headers["WARC-Truncated"] == "length"
    assert huge.http_values("X-Crawler-Content-Length") == ["300000"]
    assert huge.http_values("Content-Length") == [str(len(huge.payload))]
    (stalled,) = bad.responses_to(STALL_MID_BODY)  # 2000 bytes, then nothing until the timeout
    assert stalled.headers["WARC-Truncated"] == "time"
    assert len(stalled.payload) == 2000
    assert stalled.http_values("Content-Length") == ["2000"]
    (reset,) = bad.responses_to(RESET_MID_BODY)
    assert reset.headers["WARC-Truncated"] == "disconnect"
    assert 0 < len(reset.payload) < int(reset.http_values("X-Crawler-Content-Length")[0])
    assert bad.run.manifest["stats"]["newscorpus/archived/truncated"] == 3


def test_gzip_bomb_is_stored_compressed_and_redirect_hops_each_archived(bad: Archive) -> None:
    (bomb,) = bad.responses_to(GZIP_BOMB)
    assert bomb.http_values("Content-Encoding") == ["gzip"]
    assert len(bomb.payload) < 100_000  # stored as sent, never inflated to 4 MB
    hops = bad.responses_to(REDIRECT_CHAIN)
    assert len(hops) > 10
    queries = {urlsplit(h.headers["WARC-Target-URI"]).query for h in hops}
    assert {"", "hop=1", "hop=2"} <= queries
    assert all(h.status_line.split(" ")[1] == "302" for h in hops)


# -- crash safety ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_killed_crawl_leaves_an_open_file_the_next_run_finishes(tmp_path: Path) -> None:
    with NewsSite(delay=0.1) as site:
        first = start_crawl(site.base_urls, tmp_path, "--run-id", "dead", "--warc")
        folder = tmp_path / "runs" / "dead" / "warc"
        while len(site.request_log) < 30:
            assert first.poll() is None, "the crawl ended before it could be killed"
            site_wait(0.05)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
        (open_file,) = folder.glob("*.warc.gz.open")
        complete, end = complete_members(open_file)
        assert complete >= 1
        with open(open_file, "ab") as fh:  # a record torn in the middle of its write
            fh.write(gzip_member(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000))[:700])
        done = subprocess.run(
            crawl_command(site.base_urls, tmp_path, "--run-id", "next", "--warc"),
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
    assert not list(folder.glob("*.open"))
    (recovered,) = folder.glob("*.warc.gz")
    assert recovered.name == open_file.name.removesuffix(".open")
    assert recovered.stat().st_size == end
    records = read_records(recovered)  # digests checked: every record kept is whole
    assert len(records) == complete and records[0].type == "warcinfo"
    assert (folder / recovered.name.replace(".warc.gz", ".warc.cdxj")).exists()
    dead = json.loads((tmp_path / "runs" / "dead" / "manifest.json").read_text(encoding="utf-8"))
    assert dead["status"] == "interrupted"
    assert [f["name"] for f in dead["warc"]] == [recovered.name]
    assert dead["warc"][0]["records"] == complete


def site_wait(seconds: float) -> None:
    import time

    time.sleep(seconds)


# -- the parts, on plain inputs ----------------------------------------------------------------------------


def test_archived_head_renames_framing_headers() -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\nset-cookie: a=1\r\n"
        b"set-cookie: b=2\r\nX-Caf\xc3\xa9: ok\r\n\r\n"
    )
    fixed = archived_head(head, 42)
    assert fixed == (
        b"HTTP/1.1 200 OK\r\nX-Crawler-Transfer-Encoding: chunked\r\nX-Crawler-Content-Length: 99\r\n"
        b"set-cookie: a=1\r\nset-cookie: b=2\r\nX-Caf\xc3\xa9: ok\r\nContent-Length: 42\r\n\r\n"
    )
    good = b"HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"
    assert archived_head(good, 42) == good
    not_modified = b"HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n"
    assert archived_head(not_modified, 0) == not_modified
    assert archived_head(good, 0, method="HEAD") == good


def _capture(url: str, body: bytes = b"<html>page</html>") -> Capture:
    from datetime import UTC, datetime

    return Capture(
        url=url,
        method="GET",
        date=datetime(2026, 11, 18, 7, 5, 1, 123456, tzinfo=UTC),
        request_head=b"GET /a?q=1 HTTP/1.1\r\nHost: example.org\r\n\r\n",
        request_body=b"",
        response_head=b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
        body=body,
        metadata=[("page", "article"), ("via", "sitemap")],
    )


def test_raw_header_bytes_survive_warcio() -> None:
    capture = _capture("http://example.org/a?q=1")
    capture.response_head = (
        b'HTTP/1.1 200 OK\r\nContent-Disposition: inline; filename="caf\xc3\xa9.html"\r\n\r\n'
    )
    (request, _), (response, info), (metadata, _) = capture_records(capture)
    assert b"WARC-Date: 2026-11-18T07:05:01.123456Z\r\n" in response
    assert b'filename="caf\xc3\xa9.html"\r\nContent-Length: 17\r\n\r\n<html>page</html>' in response
    assert info.status == "200" and info.mime is None
    assert b"GET /a?q=1 HTTP/1.1\r\n" in request
    assert b"\r\n\r\npage: article\r\nvia: sitemap\r\n" in metadata
    stored = b"".join(gzip_member(r) for r, _ in capture_records(capture))
    assert sum(1 for _ in ArchiveIterator(io.BytesIO(stored), check_digests="raise")) == 3


def test_torn_tail_is_cut_and_locked_files_are_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    files = WarcFiles(folder, 10_000_000, {"software": "test"})
    files.write(_capture("http://example.org/a"))
    live = files.open_path
    assert live is not None
    assert recover_folder(folder) == [] and live.exists(), "a file its writer holds is not touched"
    size = live.stat().st_size
    files._fh.write(b"\x1f\x8b\x08\x00torn")  # type: ignore[union-attr]
    # the writer dies: its descriptor (and lock) go with it
    files._fh.close()  # type: ignore[union-attr]
    files._fh = None
    assert recover_folder(folder) == [live.name.removesuffix(".open")]
    final = folder / live.name.removesuffix(".open")
    assert final.stat().st_size == size
    assert [e["records"] for e in warc_listing(tmp_path)] == [4]
    assert len(read_records(final)) == 4


def test_writer_thread_keeps_order_and_closes_every_file(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path / "warc", 3000, {"software": "test"}, worker="w1")
    thread = ArchiveThread(files, max_queued_bytes=200)
    thread.start()
    for n in range(40):
        thread.put(_capture(f"http://example.org/{n}", b"x" * 300))
    closed = thread.close()
    assert thread.waits > 0, "a full queue made the producer wait"
    assert len(closed) > 3 and all("-w1-" in f["name"] for f in closed)
    uris = [
        r.headers["WARC-Target-URI"]
        for f in closed
        for r in read_records(tmp_path / "warc" / f["name"])
        if r.type == "response"
    ]
    assert uris == [f"http://example.org/{n}" for n in range(40)]


def test_a_failed_write_stops_the_archive_and_says_so(tmp_path: Path) -> None:
    class FullDisk(WarcFiles):
        def write(self, capture: Capture) -> None:
            raise OSError(28, "No space left on device")

    errors: list[BaseException] = []
    thread = ArchiveThread(FullDisk(tmp_path / "warc", 1000, {}), on_error=errors.append)
    thread.start()
    thread.put(_capture("http://example.org/1"))
    thread.close()
    assert isinstance(thread.error, OSError) and errors == [thread.error]
    thread.put(_capture("http://example.org/2"))  # after the failure: counted, not queued
    assert thread.dropped == 1


def test_each_worker_lists_its_files_and_merge_lists_them_all(tmp_path: Path) -> None:
    run_dir = tmp_path / "runs" / "run-1"
    for worker in ("w1", "w2"):
        files = WarcFiles(run_dir / "warc", 10_000_000, {"software": "test"}, worker=worker)
        files.write(_capture(f"http://example.org/{worker}"))
        files.close()
        writer = CorpusWriter(run_dir, WriterConfig(shard_prefix=f"articles-{worker}", worker=worker))
        writer.open()
        manifest = writer.close({"status": "finished"})
        assert [f["worker"] for f in manifest["warc"]] == [worker]
    merged = merge_run(run_dir)
    assert sorted(f["worker"] for f in merged["warc"]) == ["w1", "w2"]
