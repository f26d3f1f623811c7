# Quick start: `make demo` (crawl the bundled local news site) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint chromium bench-extraction bench-dedupe bench-distributed bench-pipeline bench-crawl bench-dedupe-scale bench-report redis-server clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Crawls the local news site into output/demo/runs/<run-id>/, then writes output/demo/report/index.html.
demo: $(STAMP)
	$(BIN)/python -m tests.demo --out output/demo

# The distributed-crawl tests start their own redis-server (Debian package); they skip, saying why, without it.
redis-server:
	@command -v redis-server >/dev/null || (apt-get update && apt-get install -y redis-server) \
		|| echo "warning: redis-server could not be installed; the Redis tests will be skipped"

# The report's browser test opens the page in headless Chromium (Debian package); it skips, saying why, without it.
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium) \
		|| echo "warning: chromium could not be installed; the report's browser test will be skipped"

test: $(STAMP) redis-server chromium
	$(BIN)/ruff check crawler pipelines tests benchmarks
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) redis-server chromium
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check crawler pipelines tests benchmarks
	$(BIN)/ruff format --check crawler pipelines tests benchmarks
	$(BIN)/mypy

bench-extraction: $(STAMP)
	$(BIN)/python benchmarks/extraction.py

bench-dedupe: $(STAMP)
	$(BIN)/python benchmarks/dedupe_quality.py

bench-distributed: $(STAMP) redis-server
	$(BIN)/python benchmarks/distributed.py

# Throughput against the bare tools (README "Performance"); none of them is a test.
bench-pipeline: $(STAMP)
	$(BIN)/python benchmarks/pipeline.py --repeat 2

bench-crawl: $(STAMP)
	$(BIN)/python benchmarks/crawl.py --pages 3000

bench-dedupe-scale: $(STAMP)
	$(BIN)/python benchmarks/dedupe.py

# newscorpus report on a generated run of a million articles (about 3.6 GB in a temporary folder).
bench-report: $(STAMP)
	$(BIN)/python benchmarks/report.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
