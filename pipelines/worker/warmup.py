"""Imported once by the worker pool's fork server (``pipelines.worker.pool.PRELOAD``): what every worker's first
pages would load is loaded here, before the workers are forked from it.

Why: langdetect's profiles, justext's stop words of every language (trafilatura's fallback extractor builds them
at the first page that needs it) and the English word list of the text-quality score cost CPU to load: 0.45,
0.13 and 0.15 s when derived from the libraries' files, a few milliseconds for the profiles and the word list
once the model cache holds them (``pipelines.model_cache``). Loaded in each worker, that is paid again by every
worker and by every replacement of a crashed or recycled one; loaded in the fork server, the workers inherit it
(copy-on-write: these tables are only read, so their pages stay shared between the workers). English only among
the word lists: it is the language of most news pages; another language's list is read from the model cache at
its first use in a worker. A crawl with another language configuration than the default loads its own detector
in the workers.
"""

from __future__ import annotations

from justext.core import define_stoplist
from trafilatura import external

from pipelines.dedupe.word_quality import vocabulary
from pipelines.language.detect import LanguageConfig, shared_detector

shared_detector(LanguageConfig())
define_stoplist(external.jt_stoplist_init())  # the stop words, and justext's lower-cased set of them (cached)
vocabulary("en")
