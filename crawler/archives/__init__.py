"""Web archives: reading WARC/ARC files as another source of pages for the same stages (``newscorpus warc``),
and writing every response a crawl receives as WARC (``newscorpus crawl --warc``)."""
