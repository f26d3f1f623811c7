"""The CDXJ index beside each WARC file a crawl writes: the format pywb and cdxj-indexer write, so that pywb
replays a crawl's archive as it is and readers seek straight to a record.

One line per ``response`` record, ``SURT timestamp {json}``, sorted: the JSON holds ``url``, ``mime``,
``status``, ``digest``, ``length`` and ``offset`` (of the record's gzip member) and ``filename``, all strings,
in that order, as ``cdxj-indexer`` writes them (its default: request, warcinfo and ``application/warc-fields``
metadata records are not indexed). The lines of a file being written are made as its records are written (the
writer knows each member's offset and length, so the file is never read again); a file recovered after a crash
is indexed by ``cdxj-indexer`` itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import surt
from warcio.timeutils import iso_date_to_timestamp

from crawler.archives.fetch_records import WrittenRecord
from pipelines.write.shards import fsync_dir

INDEXED_TYPES = frozenset({"response", "revisit", "resource"})


def cdxj_line(record: WrittenRecord, filename: str) -> str | None:
    """The index line of one record written to ``filename``; None for a record the index leaves out."""
    if record.record_type not in INDEXED_TYPES:
        return None
    fields: dict[str, str] = {"url": record.uri}
    if record.record_type == "revisit":
        fields["mime"] = "warc/revisit"
    elif record.mime:
        fields["mime"] = record.mime
    if record.status:
        fields["status"] = record.status
    if record.digest:
        fields["digest"] = f"sha1:{record.digest}"
    fields.update(length=str(record.length), offset=str(record.offset), filename=filename)
    return f"{url_key(record.uri)} {iso_date_to_timestamp(record.date)} {json.dumps(fields)}"


def url_key(url: str) -> str:
    """The SURT of ``url`` as cdxj-indexer makes it (the URL itself when it cannot be made)."""
    try:
        return str(surt.surt(url))
    except Exception:  # noqa: BLE001 - cdxj-indexer falls back the same way on any failure
        return url


def write_cdxj(path: Path, lines: list[str]) -> None:
    """Write the sorted index atomically (temporary name, fsync, rename)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in sorted(lines))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def index_file(warc: Path) -> list[str]:
    """The index lines of a whole WARC file, by cdxj-indexer (for files this process did not write)."""
    import io

    from cdxj_indexer.main import write_cdx_index

    out = io.StringIO()
    write_cdx_index(out, [str(warc)], {"sort": True})
    return [line for line in out.getvalue().splitlines() if line.strip()]
