"""The in-memory index's entries, packed in one memory map: the fields of each entry and its bit-packed shingle sample."""

from __future__ import annotations

import logging
import struct

import numpy as np

from pipelines.dedupe.index.band_table import GrowableBuffer
from pipelines.dedupe.index.base import IndexEntry

logger = logging.getLogger(__name__)


def _pack_bits(values: np.ndarray) -> tuple[int, int, bytes]:
    """uint32 values as (shift, width, bits): each value's ``width`` bits above its ``shift`` common zero bits.

    MinHash minima are small numbers (about 23 of 32 bits used) and sampled shingle hashes share their low zero
    bits (the sampling test), so both arrays pack into less than their 4 bytes a value.
    """
    if not len(values):
        return 0, 0, b""
    common = int(np.bitwise_or.reduce(values))
    shift = (common & -common).bit_length() - 1 if common else 0
    values = values >> np.uint32(shift)
    width = int(values.max()).bit_length()
    bits = np.unpackbits(values.astype(">u4").view(np.uint8)).reshape(-1, 32)[:, 32 - width :]
    return shift, width, np.packbits(bits).tobytes()


def _unpack_bits(raw: bytes, count: int, shift: int, width: int) -> np.ndarray:
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), count=count * width).reshape(count, width)
    full = np.zeros((count, 32), dtype=np.uint8)
    full[:, 32 - width :] = bits
    return np.packbits(full, axis=1).view(">u4").ravel().astype(np.uint32) << np.uint32(shift)


# total bytes, priority, quality, length, shingles, modulus; signature and sample: count, shift, width; numbers;
# run id and domain (string table index); byte lengths of cluster, url, title, date (-1: None, or the id for the
# cluster); text hash bytes; flags.
_RECORD = struct.Struct("<IqdIIIIBBIBBIIiiiiiBB")


_QUALITY_NONE = 1


class _EntryStore:
    """Entries packed end to end in one :class:`GrowableBuffer`, found by the band table's entry numbers.

    Why: as objects (a dataclass, two numpy arrays, a frozenset of number strings, a hex string) an entry costs
    about 5.3 KB; packed, about 2.6 KB, most of it the bit-packed shingle sample. Run ids and domains repeat, so
    each is kept once in a table. One map rather than a bytes object per entry: no per-object overhead and no
    heap fragmentation around a million 3 KB blocks. An entry that does not fit the format (other types than the
    stage makes) is kept as the object. Replaced and removed records are garbage until the next compaction.
    """

    def __init__(self, min_garbage: int = 1 << 26) -> None:
        self.memory = GrowableBuffer(0)
        self.used = 0
        self.garbage = 0
        self.min_garbage = min_garbage  # compact once garbage passes this and a quarter of the bytes used
        self.offsets = np.full(1024, -1, dtype=np.int64)  # number -> record offset, -1: none
        self.objects: dict[int, IndexEntry] = {}  # number -> entry that does not pack
        self.strings: list[str] = []
        self.string_index: dict[str, int] = {}

    def put(self, number: int, entry: IndexEntry) -> None:
        self.drop(number)
        record = self._pack(entry)
        if record is None:
            self.objects[number] = entry
            return
        if number >= len(self.offsets):
            grown = np.full(max(2 * len(self.offsets), number + 1), -1, dtype=np.int64)
            grown[: len(self.offsets)] = self.offsets
            self.offsets = grown
        end = self.used + len(record)
        if end > self.memory.nbytes:
            self.memory.resize(max(end, 2 * self.memory.nbytes, 1 << 20))
        self.memory.write(self.used, record)
        self.offsets[number] = self.used
        self.used = end

    def drop(self, number: int) -> None:
        self.objects.pop(number, None)
        if number < len(self.offsets) and self.offsets[number] >= 0:
            self.garbage += self._size(int(self.offsets[number]))
            self.offsets[number] = -1
            if self.garbage > max(self.min_garbage, self.used // 4):
                self._compact()

    def get(self, number: int, entry_id: str) -> IndexEntry | None:
        offset = int(self.offsets[number]) if number < len(self.offsets) else -1
        if offset < 0:
            return self.objects.get(number)
        return self._unpack(entry_id, self.memory.read(offset, offset + self._size(offset)))

    def run_id(self, number: int) -> str | None:
        offset = int(self.offsets[number]) if number < len(self.offsets) else -1
        if offset >= 0:
            return self.strings[_RECORD.unpack_from(self.memory.raw, offset)[13]]
        entry = self.objects.get(number)
        return None if entry is None else entry.run_id

    def numbers(self) -> list[int]:
        """Numbers that hold an entry."""
        return sorted([*np.flatnonzero(self.offsets >= 0).tolist(), *self.objects])

    def _size(self, offset: int) -> int:
        size: int = _RECORD.unpack_from(self.memory.raw, offset)[0]
        return size

    def _compact(self) -> None:
        """Slide the live records to the front of the map (in place: each moves down, in offset order)."""
        numbers = np.flatnonzero(self.offsets >= 0)
        numbers = numbers[np.argsort(self.offsets[numbers])]
        written = 0
        for number in numbers.tolist():
            offset = int(self.offsets[number])
            size = self._size(offset)
            if offset != written:
                self.memory.move(written, offset, size)
                self.offsets[number] = written
            written += size
        logger.debug("entry store compacted: %d -> %d bytes", self.used, written)
        self.used, self.garbage = written, 0
        self.memory.resize(max(written, 1 << 20))

    def _shared(self, value: str) -> int:
        index = self.string_index.get(value)
        if index is None:
            index = self.string_index[value] = len(self.strings)
            self.strings.append(value)
        return index

    def _pack(self, entry: IndexEntry) -> bytes | None:
        """The record of an entry, or None when it does not fit the format."""
        signature, sample, numbers = entry.signature, entry.sample, entry.numbers
        if not (
            all(type(v) is int for v in (entry.priority, entry.length, entry.modulus, entry.shingles))
            and (entry.quality is None or type(entry.quality) is float)
            and all(
                isinstance(a, np.ndarray) and a.dtype == np.uint32 and a.ndim == 1
                for a in (signature, sample)
            )
            and all(type(v) is str for v in (entry.id, entry.cluster, entry.run_id, entry.text_hash))
            and all(v is None or type(v) is str for v in (entry.url, entry.domain, entry.title, entry.date))
            and type(numbers) is frozenset
            and all(type(n) is str and "\x00" not in n for n in numbers)
        ):
            return None
        try:
            text_hash = bytes.fromhex(entry.text_hash)
            if text_hash.hex() != entry.text_hash or len(text_hash) > 255:
                return None
            cluster = b"" if entry.cluster == entry.id else entry.cluster.encode()
            url, title, date = (
                b"" if v is None else v.encode() for v in (entry.url, entry.title, entry.date)
            )
            sig_shift, sig_width, sig_bits = _pack_bits(signature)
            sample_shift, sample_width, sample_bits = _pack_bits(sample)
            body = b"".join(
                (text_hash, sig_bits, sample_bits, cluster, url, title, date, "\x00".join(numbers).encode())
            )
            header = _RECORD.pack(
                _RECORD.size + len(body),
                entry.priority,
                0.0 if entry.quality is None else entry.quality,
                entry.length,
                entry.shingles,
                entry.modulus,
                len(signature),
                sig_shift,
                sig_width,
                len(sample),
                sample_shift,
                sample_width,
                len(numbers),
                self._shared(entry.run_id),
                -1 if entry.domain is None else self._shared(entry.domain),
                -1 if entry.cluster == entry.id else len(cluster),
                -1 if entry.url is None else len(url),
                -1 if entry.title is None else len(title),
                -1 if entry.date is None else len(date),
                len(text_hash),
                _QUALITY_NONE if entry.quality is None else 0,
            )
        except (ValueError, OverflowError, struct.error, UnicodeEncodeError):
            return None
        return header + body

    def _unpack(self, entry_id: str, record: bytes) -> IndexEntry:
        (
            _,
            priority,
            quality,
            length,
            shingles,
            modulus,
            sig_count,
            sig_shift,
            sig_width,
            sample_count,
            sample_shift,
            sample_width,
            numbers_count,
            run,
            domain,
            *sizes,
            hash_size,
            flags,
        ) = _RECORD.unpack_from(record)
        at = _RECORD.size
        text_hash = record[at : at + hash_size].hex()
        at += hash_size
        arrays = []
        for count, shift, width in (
            (sig_count, sig_shift, sig_width),
            (sample_count, sample_shift, sample_width),
        ):
            size = (count * width + 7) // 8
            arrays.append(_unpack_bits(record[at : at + size], count, shift, width))
            at += size
        texts: list[str | None] = []
        for size in sizes:
            texts.append(None if size < 0 else record[at : at + size].decode())
            at += max(size, 0)
        cluster, url, title, date = texts
        return IndexEntry(
            id=entry_id,
            cluster=entry_id if cluster is None else cluster,
            run_id=self.strings[run],
            url=url,
            domain=None if domain < 0 else self.strings[domain],
            title=title,
            priority=priority,
            quality=None if flags & _QUALITY_NONE else quality,
            length=length,
            date=date,
            text_hash=text_hash,
            signature=arrays[0],
            sample=arrays[1],
            modulus=modulus,
            shingles=shingles,
            numbers=frozenset(record[at:].decode().split("\x00")) if numbers_count else frozenset(),
        )
