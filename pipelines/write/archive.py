"""What the write stage asks of the crawl's web archive (``newscorpus crawl --warc``).

Why an interface: the archive belongs to the crawl (``crawler.archives``, which captures what the downloader
receives), but the manifest is the write stage's, and it lists the archive's files with their sizes and digests.
They are final only once the archive is closed, so the write stage closes it, through :class:`RunArchive`
found with ``crawler.get_extension(RunArchive)``, right before it writes the manifest. The files themselves are
listed from the run folder (``pipelines.write.run_folder.warc_listing``), which also serves runs recovered after a
crash and ``newscorpus merge``.
"""

from __future__ import annotations


class RunArchive:
    """The crawl's web archive, as the write stage sees it."""

    def close_archive(self) -> None:
        """Write what is still queued, close the open file (renamed, indexed, listed); idempotent."""
        raise NotImplementedError
