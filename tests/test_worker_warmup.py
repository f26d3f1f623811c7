"""The fork server's warm-up leaves loaded what the workers' first pages would otherwise load each."""

from __future__ import annotations

from tests.fresh_process import run_snippet

_CHECK = """
from justext.core import define_stoplist
from trafilatura import external
from pipelines.language.detect import LanguageConfig, shared_detector
from pipelines.dedupe.word_quality import vocabulary

before = (shared_detector.cache_info().currsize, vocabulary.cache_info().currsize, external.JT_STOPLIST)
import pipelines.worker.warmup

assert before == (0, 0, None), before
assert shared_detector.cache_info().currsize == 1
assert vocabulary.cache_info().currsize == 1 and len(vocabulary("en")) > 100_000
assert external.JT_STOPLIST and define_stoplist.cache_info().currsize == 1
hits = vocabulary.cache_info().hits
vocabulary("en")
assert vocabulary.cache_info().hits == hits + 1
print("ok")
"""


def test_warmup_loads_the_tables_once_in_the_importing_process() -> None:
    assert run_snippet(_CHECK).strip() == "ok"
