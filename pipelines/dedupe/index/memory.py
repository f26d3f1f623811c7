"""The dedupe index in memory: the band table of LSH keys, the packed entries and the exact keys."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pipelines.dedupe.index.band_table import BandTable
from pipelines.dedupe.index.base import IndexEntry, IndexMismatch, IndexUpdate
from pipelines.dedupe.index.entry_store import _EntryStore

logger = logging.getLogger(__name__)


def _exact_key(key: str) -> str | bytes:
    """A text key (``t:`` and a SHA-1 in hex) as 21 bytes, any other key as it is.

    Why: the text keys are half of the exact map, and a 42-character string costs 91 bytes, the bytes 54.
    """
    if len(key) == 42 and key.startswith("t:"):
        try:
            raw = bytes.fromhex(key[2:])
        except ValueError:
            return key
        if raw.hex() == key[2:]:
            return b"t" + raw
    return key


class MemoryDedupeIndex:
    """In one process: for a crawl without a state folder, tests and benchmarks.

    Sized for a million documents in under 4 GB: band keys in a :class:`~pipelines.dedupe.index.band_table.BandTable` (about
    0.8 KB a document, where a dict of sets took 20 KB) and entries packed in one memory map (about 2.6 KB, see
    :class:`_EntryStore`). ``get`` therefore returns new :class:`IndexEntry` objects, as the SQLite index does: an
    entry changes through ``apply`` only.
    """

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self.bands = BandTable()  # also numbers the entry ids, for the entry store
        self.exact: dict[str | bytes, str] = {}  # keys through _exact_key
        # Ids X whose key "u:X" leads to X itself (a kept article's own URL): most URL keys, kept without the
        # key string (about 70 bytes each).
        self.own_urls: set[str] = set()
        self._entries = _EntryStore()

    def open(self, params: Mapping[str, Any]) -> None:
        if self.params is not None and self.params != dict(params):
            raise IndexMismatch(f"index built with {self.params}, asked for {dict(params)}")
        self.params = dict(params)

    def resolve(self, keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in keys:
            found = self.exact.get(_exact_key(key))
            if found is None and key.startswith("u:") and key[2:] in self.own_urls:
                found = key[2:]
            if found is not None:
                out[key] = found
        return out

    def query(self, band_keys: Sequence[int], min_hits: int = 1) -> Counter[str]:
        return self.bands.query(band_keys, min_hits)

    def get(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        out: dict[str, IndexEntry] = {}
        for entry_id in ids:
            number = self.bands.number(entry_id)
            entry = None if number is None else self._entries.get(number, entry_id)
            if entry is not None:
                out[entry_id] = entry
        return out

    def apply(self, update: IndexUpdate) -> None:
        for entry_id, keys in update.remove:
            number = self.bands.number(entry_id)
            if number is not None:
                self._entries.drop(number)
            self.bands.remove(entry_id, keys)
        for entry, keys in update.add:
            self._entries.put(self.bands.add(entry.id, keys), entry)
        for key, value in update.exact.items():
            if key.startswith("u:"):
                if key[2:] == value:
                    self.exact.pop(key, None)
                    self.own_urls.add(value)
                    continue
                self.own_urls.discard(key[2:])
            self.exact[_exact_key(key)] = value

    def ids_of_run(self, run_id: str) -> list[str]:
        out = []
        for number in self._entries.numbers():
            name = self.bands.name(number)
            if name is not None and self._entries.run_id(number) == run_id:
                out.append(name)
        return out

    def forget(self, ids: Sequence[str]) -> None:
        gone = set(ids)
        for entry_id in gone:
            number = self.bands.number(entry_id)
            if number is not None:
                self._entries.drop(number)
        self.bands.forget(gone)
        self.exact = {k: v for k, v in self.exact.items() if v not in gone}
        self.own_urls -= gone
        for number in self._entries.numbers():  # a scan: recovery only
            name = self.bands.name(number)
            entry = self._entries.get(number, name) if name is not None else None
            if entry is not None and entry.cluster in gone:
                entry.cluster = entry.id
                self._entries.put(number, entry)

    def close(self) -> None:
        pass
