"""What a crawl command does before its first request: only its own sub-command imported, Scrapy's TLS module
loaded without reading the sources of the stack (see ``crawler.commands.crawl.preload_scrapy``)."""

from __future__ import annotations

from crawler.cli import chosen_command
from tests.fresh_process import run_snippet

_IMPORTED_COMMANDS = """
import sys
from crawler.cli import build_parser
args = build_parser(["-v", "crawl", "https://example.org/"]).parse_args(["-v", "crawl", "https://example.org/"])
print(args.command, args.targets[0])
print(" ".join(sorted(m for m in sys.modules if m.startswith("crawler.commands."))))
"""

_PRELOAD = """
import inspect, sys
full = inspect.stack
from crawler.commands.crawl import preload_scrapy
preload_scrapy()
from scrapy.core.downloader import contextfactory
print(inspect.stack is full, contextfactory.ScrapyClientContextFactory.__module__)
"""


_EARLY_WORKERS = """
import sys
from multiprocessing import forkserver
from crawler.commands.options import start_workers_early
start_workers_early(PAIRS)
print(forkserver._forkserver._forkserver_pid is not None, "scrapy" in sys.modules)
"""


def test_the_fork_server_starts_before_scrapy_is_imported_unless_the_workers_are_off() -> None:
    """The ``-s`` pairs of the command line are all it reads: Scrapy's settings are built later."""
    started = run_snippet(_EARLY_WORKERS.replace("PAIRS", repr(["DOWNLOAD_DELAY=0"])))
    assert started.split() == ["True", "False"]
    off = run_snippet(_EARLY_WORKERS.replace("PAIRS", repr(["NEWSCORPUS_WORKERS=0"])))
    assert off.split() == ["False", "False"]


def test_the_sub_command_is_the_first_word_that_is_not_an_option() -> None:
    assert chosen_command(["-vv", "crawl", "https://example.org/", "--out", "x"]) == "crawl"
    assert chosen_command(["-v", "--help"]) is None


def test_a_crawl_imports_no_other_sub_command() -> None:
    parsed, modules = run_snippet(_IMPORTED_COMMANDS).splitlines()
    assert parsed == "crawl https://example.org/"
    assert "crawler.commands.crawl" in modules.split()
    assert not {"crawler.commands.warc", "crawler.commands.report", "crawler.commands.worker"} & set(
        modules.split()
    )


def test_scrapy_s_tls_module_is_preloaded_with_inspect_left_as_it_was() -> None:
    # The deprecated alias still names the module that defines it, as when Scrapy imports it itself.
    assert run_snippet(_PRELOAD).split() == ["True", "scrapy.core.downloader.contextfactory"]
