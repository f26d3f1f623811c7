"""The WARC files of a crawl: ``OUT/runs/<run-id>/warc/newscorpus-<timestamp>[-<worker>]-<serial>.warc.gz``.

Each file opens with a ``warcinfo`` record and holds one gzip member per record, so that any record can be read
by seeking to its offset. A file is written under a temporary name (``.warc.gz.open``), flushed after every
record and locked while open; past ``NEWSCORPUS_WARC_MAX_BYTES`` it is closed (fsync, its CDXJ index written
beside it, renamed, listed in ``warc/files[-<worker>].jsonl``) and the next one opened. A process killed while
writing leaves its ``.open`` file with complete records and perhaps a torn last member: :func:`recover_folder`
cuts the file after its last complete member, renames and indexes it. The records are written by one thread
(:class:`ArchiveThread`), so the digests, gzip and disk writes cost the reactor nothing but a queue append.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from crawler.archives.cdxj import cdxj_line, index_file, write_cdxj
from crawler.archives.fetch_records import Capture, WrittenRecord, capture_records, warcinfo_record
from pipelines.settings import setting
from pipelines.write.run_folder import warc_listing, warc_listing_name
from pipelines.write.shards import file_digest, fsync_dir

logger = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
#: gzip level of the records: zlib's default, a quarter less time than warcio's level 9 on plain HTML for under
#: 1% more bytes (and either costs little on bodies that arrive gzip-encoded).
GZIP_LEVEL = 6
#: Captures waiting for the writer thread, in bytes of bodies: past this the reactor waits (the disk is slower
#: than the network), so memory stays bounded.
MAX_QUEUED_BYTES = 64 << 20

FILE_NAME = re.compile(
    r"^newscorpus-(?P<stamp>\d{14})-(?:(?P<worker>[A-Za-z0-9_.]+)-)?(?P<serial>\d{5})\.warc\.gz$"
)


@dataclass(frozen=True)
class WarcWriteConfig:
    """``newscorpus crawl --warc``: ``enabled`` writes every response the crawl receives as WARC; a file is
    closed and the next one started past ``max_bytes`` (compressed); ``operator`` names who ran the crawl in
    each file's ``warcinfo`` record (a person or organisation, with a contact)."""

    enabled: bool = setting("NEWSCORPUS_WARC", False)
    max_bytes: int = setting("NEWSCORPUS_WARC_MAX_BYTES", 1_000_000_000)
    operator: str = setting("NEWSCORPUS_WARC_OPERATOR", "", str)


def gzip_member(data: bytes) -> bytes:
    """One record as its own gzip member. By hand rather than warcio's writer: the member's offset and length
    go to the CDXJ index, and warcio compresses at level 9."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


class WarcFiles:
    """The rotating WARC files of one writer (this process, or one worker of a distributed crawl). Not
    thread-safe: one thread writes (:class:`ArchiveThread`)."""

    def __init__(
        self, folder: Path, max_bytes: int, warcinfo: dict[str, str], worker: str | None = None
    ) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.warcinfo = warcinfo
        self.worker = worker
        self.files: list[dict[str, Any]] = []
        self.captures = 0
        self.records = 0
        self._fh: IO[bytes] | None = None
        self._name = ""
        self._size = 0
        self._file_records = 0
        self._sha = hashlib.sha256()
        self._lines: list[str] = []
        self._serial = -1

    @property
    def open_path(self) -> Path | None:
        return self.folder / (self._name + OPEN_SUFFIX) if self._fh is not None else None

    def write(self, capture: Capture) -> None:
        """The records of one capture, in one file (a new one when this one is full)."""
        records = capture_records(capture)
        members = [(gzip_member(data), info) for data, info in records]
        size = sum(len(member) for member, _ in members)
        if self._fh is not None and self._size + size > self.max_bytes and self._file_records > 1:
            self._close_file()
        if self._fh is None:
            self._open_file()
        for member, info in members:
            self._append(member, info)
        self.captures += 1

    def close(self) -> list[dict[str, Any]]:
        """Close the open file; returns every file this writer closed."""
        if self._fh is not None:
            self._close_file()
        return self.files

    def _open_file(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._serial = max(self._serial, _last_serial(self.folder, self.worker)) + 1
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        worker = f"-{self.worker}" if self.worker else ""
        self._name = f"newscorpus-{stamp}{worker}-{self._serial:05d}{WARC_SUFFIX}"
        # Created under a name recovery never looks at, locked, then given its ``.open`` name: the lock, held
        # while the file is open, tells recovery in another process that its writer is alive, and no file is
        # ever seen under that name unlocked and empty.
        hidden = self.folder / f".{self._name}{OPEN_SUFFIX}.new"
        self._fh = open(hidden, "xb", buffering=0)  # noqa: SIM115
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._size = 0
        self._file_records = 0
        self._sha = hashlib.sha256()
        self._lines = []
        data, info = warcinfo_record(self._name, self.warcinfo)
        self._append(gzip_member(data), info)
        os.replace(hidden, self.folder / (self._name + OPEN_SUFFIX))

    def _append(self, member: bytes, info: WrittenRecord) -> None:
        assert self._fh is not None
        offset = self._size
        self._fh.write(member)  # unbuffered: one write a record, in the file when a crash comes
        self._sha.update(member)
        self._size += len(member)
        self._file_records += 1
        self.records += 1
        line = cdxj_line(_placed(info, offset, len(member)), self._name)
        if line is not None:
            self._lines.append(line)

    def _close_file(self) -> None:
        assert self._fh is not None
        os.fsync(self._fh.fileno())
        open_path = self.folder / (self._name + OPEN_SUFFIX)
        cdxj = self._name.removesuffix(".gz") + ".cdxj"
        entry: dict[str, Any] = {
            "name": self._name,
            "bytes": self._size,
            "records": self._file_records,
            "sha256": self._sha.hexdigest(),
            "cdxj": cdxj,
        }
        if self.worker:
            entry["worker"] = self.worker
        write_cdxj(self.folder / cdxj, self._lines)
        os.replace(open_path, self.folder / self._name)
        self._fh.close()  # releases the lock
        self._fh = None
        append_listing(self.folder, entry)
        self.files.append(entry)
        logger.info("closed %s (%d records, %d bytes)", self._name, self._file_records, self._size)


def _placed(info: WrittenRecord, offset: int, length: int) -> WrittenRecord:
    return WrittenRecord(
        info.record_type, info.uri, info.date, info.status, info.mime, info.digest, offset, length
    )


def _last_serial(folder: Path, worker: str | None) -> int:
    """The highest serial of this writer's files in ``folder`` (-1 for none), so names never repeat."""
    last = -1
    for path in folder.glob("newscorpus-*"):
        match = FILE_NAME.match(path.name.removesuffix(OPEN_SUFFIX))
        if match and match.group("worker") == worker:
            last = max(last, int(match.group("serial")))
    return last


def append_listing(folder: Path, entry: dict[str, Any]) -> None:
    """Add a closed file to its writer's listing (``pipelines.write.run_folder.warc_listing`` reads it)."""
    match = FILE_NAME.match(entry["name"])
    worker = match.group("worker") if match else None
    with open(folder / warc_listing_name(worker), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(folder)


# -- recovery --------------------------------------------------------------------------------------------


def complete_members(path: Path) -> tuple[int, int]:
    """(records, bytes): the complete gzip members at the start of ``path``, each a whole WARC record, and
    where the last of them ends. Stops at the first member that is cut off or does not read."""
    records = end = 0
    with open(path, "rb") as fh:
        decompressor = zlib.decompressobj(31)
        position = 0  # file offset of the data being fed
        start_ok = False
        while block := fh.read(1 << 20):
            data = block
            while data:
                try:
                    out = decompressor.decompress(data)
                except zlib.error:
                    return records, end
                if not start_ok and out:
                    if not out.startswith(b"WARC/"):
                        return records, end
                    start_ok = True
                if not decompressor.eof:
                    position += len(data)
                    break
                used = len(data) - len(decompressor.unused_data)
                position += used
                records, end = records + 1, position
                data = decompressor.unused_data
                decompressor = zlib.decompressobj(31)
                start_ok = False
    return records, end


def _is_locked(path: Path) -> bool:
    """Whether a live writer holds ``path`` open (its lock goes with its process)."""
    with open(path, "rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return False


def recover_folder(folder: Path) -> list[str]:
    """Finish what killed writers left in a ``warc/`` folder: each ``.open`` file no live writer holds is cut
    after its last complete record, renamed, indexed and listed; a closed file missing its index or listing
    line (a kill in the middle of closing) gets them. Returns the names of the files finished."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    finished = []
    for path in sorted(folder.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        if _is_locked(path):
            continue
        records, end = complete_members(path)
        size = path.stat().st_size
        if records == 0:
            logger.warning("%s holds no complete record: removed", path)
            path.unlink()
            continue
        if end < size:
            with open(path, "r+b") as fh:
                fh.truncate(end)
                fh.flush()
                os.fsync(fh.fileno())
            logger.warning("%s: cut a torn last record (%d bytes) off", path, size - end)
        final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
        os.replace(path, final)
        fsync_dir(folder)
        logger.warning("recovered %s: %d complete records", final.name, records)
    listed = {entry["name"] for entry in warc_listing(folder.parent)}
    for path in sorted(folder.glob(f"*{WARC_SUFFIX}")):
        cdxj = folder / (path.name.removesuffix(".gz") + ".cdxj")
        if path.name in listed and cdxj.exists():
            continue
        try:
            write_cdxj(cdxj, index_file(path))
        except Exception as exc:  # noqa: BLE001 - a record cdxj-indexer cannot read: the file is kept unindexed
            logger.error("cannot index %s: %s", path, exc)
        records, _ = complete_members(path)
        sha, size = file_digest(path)
        append_listing(
            folder, {"name": path.name, "bytes": size, "records": records, "sha256": sha, "cdxj": cdxj.name}
        )
        finished.append(path.name)
    return finished


# -- the writer thread -----------------------------------------------------------------------------------


class ArchiveThread:
    """Writes captures to :class:`WarcFiles` in its own thread, in the order given. ``put`` returns at once
    unless :data:`MAX_QUEUED_BYTES` of bodies are waiting. An error while writing (a full disk) stops the
    writing; it is kept in :attr:`error` and ``on_error`` is called (from the writer thread)."""

    def __init__(
        self,
        files: WarcFiles,
        max_queued_bytes: int = MAX_QUEUED_BYTES,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.files = files
        self.max_queued_bytes = max_queued_bytes
        self.on_error = on_error
        self.error: BaseException | None = None
        self.dropped = 0
        self.waits = 0
        self._queue: deque[Capture] = deque()
        self._queued_bytes = 0
        self._closing = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="newscorpus-warc", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, capture: Capture) -> None:
        size = len(capture.body)
        with self._cond:
            if self.error is not None or self._closing:
                self.dropped += 1
                return
            if self._queue and self._queued_bytes + size > self.max_queued_bytes:
                self.waits += 1
                while self._queue and self._queued_bytes + size > self.max_queued_bytes:
                    self._cond.wait()
            self._queue.append(capture)
            self._queued_bytes += size
            self._cond.notify_all()

    def close(self) -> list[dict[str, Any]]:
        """Write what is queued, close the open file; returns the files closed."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join()
        if self.error is None:
            try:
                return self.files.close()
            except OSError as exc:
                self._failed(exc)
        return self.files.files

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if not self._queue:
                    return
                capture = self._queue[0]
            if self.error is None:
                try:
                    self.files.write(capture)
                except Exception as exc:  # noqa: BLE001 - any failure to write stops the archive, reported once
                    self._failed(exc)
            else:
                self.dropped += 1
            with self._cond:
                self._queue.popleft()
                self._queued_bytes -= len(capture.body)
                self._cond.notify_all()

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        logger.error("writing the WARC archive failed, it stops here: %s", exc)
        if self.on_error is not None:
            self.on_error(exc)
