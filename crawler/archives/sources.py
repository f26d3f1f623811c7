"""What ``newscorpus warc SOURCE...`` reads: every source a user may name, resolved to a list of archive files.

A SOURCE is a WARC or ARC file, a glob, a folder (its archives, recursively), an ``http(s)://`` URL, a listing
file of paths (``*.paths``, ``*.paths.gz``: one path a line, relative ones joined to the base URL), or
``cc-news:FROM[..TO]`` (``YYYY-MM`` or ``YYYY-MM-DD``): Common Crawl's monthly CC-NEWS listings
(``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz`` under the base URL) for every month from FROM to TO inclusive,
keeping the files whose name's time stamp (``CC-NEWS-YYYYMMDDHHMMSS-NNNNN.warc.gz``) falls in the range.
"""

from __future__ import annotations

import calendar
import glob
import gzip
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin

from crawler.archives.remote import RemoteError, fetch_bytes, read_capped
from pipelines.extract.decode import binary_signature

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://data.commoncrawl.org/"
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".warc.zst", ".warc.lz4", ".wacz")
# The largest listing read whole: Common Crawl's biggest (a CC-MAIN crawl's ~90,000 WARC paths) is ~10 MB.
MAX_LISTING_BYTES = 64 * 1024 * 1024
_CC_NEWS = re.compile(r"^cc-news:(\d{4}-\d{2}(?:-\d{2})?)(?:\.\.(\d{4}-\d{2}(?:-\d{2})?))?$")
_CC_STAMP = re.compile(r"CC-NEWS-(\d{14})-\d+\.warc(?:\.gz)?$")


class SourceError(ValueError):
    """A source that names nothing readable; the message says which and why."""


@dataclass(frozen=True)
class ArchiveFile:
    """One archive to read: a local path or a URL, as the record's ``warc.file`` will name it."""

    location: str
    size: int | None = None

    @property
    def remote(self) -> bool:
        return self.location.startswith(("http://", "https://"))


def is_archive_name(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _local(path: Path) -> ArchiveFile:
    return ArchiveFile(str(path), path.stat().st_size)


def _day(text: str, end: bool) -> date:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 2:
        year, month = parts
        day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day)
    return date(*parts)


def cc_news_months(first: date, last: date) -> Iterator[tuple[int, int]]:
    """Every (year, month) from ``first``'s month to ``last``'s, inclusive."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def cc_news(spec: str, base_url: str) -> list[ArchiveFile]:
    """The CC-NEWS files of ``cc-news:FROM[..TO]``, from the monthly listings under ``base_url``."""
    match = _CC_NEWS.match(spec)
    if not match:
        raise SourceError(
            f"{spec!r}: expected cc-news:YYYY-MM[..YYYY-MM] or cc-news:YYYY-MM-DD[..YYYY-MM-DD]"
        )
    try:
        first = _day(match.group(1), end=False)
        last = _day(match.group(2) or match.group(1), end=True)
    except ValueError as exc:
        raise SourceError(f"{spec!r}: {exc}") from None
    if last < first:
        raise SourceError(f"{spec!r}: the range ends before it starts")
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    stop = datetime(last.year, last.month, last.day, 23, 59, 59, tzinfo=UTC)
    files = []
    for year, month in cc_news_months(first, last):
        listing = urljoin(base_url, f"crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz")
        try:
            lines = fetch_bytes(listing, MAX_LISTING_BYTES).decode("utf-8", "replace").splitlines()
        except RemoteError as exc:
            raise SourceError(
                f"{spec}: the listing of {year:04d}-{month:02d} cannot be read ({exc})"
            ) from None
        for line in lines:
            stamp = _CC_STAMP.search(line.strip())
            if stamp is None:
                continue
            when = datetime.strptime(stamp.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            if start <= when <= stop:
                files.append(ArchiveFile(urljoin(base_url, line.strip())))
    return files


def listing(path: str, base_url: str) -> list[ArchiveFile]:
    """The archives a ``*.paths`` / ``*.paths.gz`` listing names (local or remote); blank and ``#`` lines skipped."""
    try:
        if path.startswith(("http://", "https://")):
            data: bytes | None = fetch_bytes(path, MAX_LISTING_BYTES)
        else:
            with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as stream:
                data = read_capped(stream, MAX_LISTING_BYTES)
    except (OSError, EOFError, RemoteError) as exc:
        raise SourceError(f"{path}: cannot be read as a listing ({exc})") from None
    if data is None:
        raise SourceError(f"{path}: over {MAX_LISTING_BYTES} bytes (decompressed), too large for a listing")
    if why := binary_signature(data[:4096]):
        raise SourceError(f"{path}: a binary file ({why}), not a listing")
    files = []
    skipped: Counter[str] = Counter()
    for number, raw in enumerate(data.splitlines(), 1):
        try:
            entry = raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            skipped["invalid UTF-8"] += 1
            logger.warning("%s:%d: skipped, invalid UTF-8 (byte %d)", path, number, exc.start)
            continue
        if not entry or entry.startswith("#"):
            continue
        if any(ord(c) < 32 or ord(c) == 127 for c in entry):
            skipped["not a path or URL"] += 1
            logger.warning("%s:%d: skipped, not a path or URL: %r", path, number, entry[:80])
            continue
        if entry.startswith(("http://", "https://")):
            files.append(ArchiveFile(entry))
        elif os.path.isabs(entry) and Path(entry).is_file():
            files.append(_local(Path(entry)))
        else:
            files.append(ArchiveFile(urljoin(base_url, entry)))
    if skipped:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(skipped.items()))
        logger.warning(
            "%s: %d archive files named, %d lines skipped (%s)",
            path,
            len(files),
            sum(skipped.values()),
            reasons,
        )
    return files


def resolve(sources: Iterable[str], base_url: str = DEFAULT_BASE_URL) -> list[ArchiveFile]:
    """Every archive file the sources name, in order, each once."""
    found: dict[str, ArchiveFile] = {}
    for source in sources:
        for archive in _resolve_one(source, base_url):
            found.setdefault(archive.location, archive)
    return list(found.values())


def _resolve_one(source: str, base_url: str) -> list[ArchiveFile]:
    if source.startswith("cc-news:"):
        return cc_news(source, base_url)
    if source.endswith((".paths", ".paths.gz")):
        return listing(source, base_url)
    if source.startswith(("http://", "https://")):
        return [ArchiveFile(source)]
    path = Path(source)
    if path.is_dir():
        archives = sorted(p for p in path.rglob("*") if p.is_file() and is_archive_name(p.name))
        if not archives:
            raise SourceError(f"{source}: a folder with no WARC or ARC files")
        return [_local(p) for p in archives]
    if path.is_file():
        return [_local(path)]
    if glob.has_magic(source):
        matched = sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        if not matched:
            raise SourceError(f"{source}: matches no file")
        return [_local(p) for p in matched]
    raise SourceError(f"{source}: no such file, folder, URL or listing")
