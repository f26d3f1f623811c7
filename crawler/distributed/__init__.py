"""Distributed crawls: any number of crawler processes (workers) on any number of machines, one frontier, one
crawl state, one near-duplicate index, one corpus. All shared state is in Redis; there is no coordinator.

Only imported when a crawl is distributed (``newscorpus crawl --redis-url``, ``newscorpus worker``,
``newscorpus seed``): a crawl without Redis never imports Redis.

What is shared, under ``<namespace>:`` (``NEWSCORPUS_REDIS_NAMESPACE``, default ``newscorpus``):

- the frontier: scrapy-redis's request queue (``requests``, a sorted set by priority) and its request
  duplicate filter (``dupefilter``), so a URL is scheduled once whichever worker found it;
- the start targets (``targets``: a list of target specs, profiles included; ``seeds``: indexes into it not yet
  started) and the run id (``run``);
- the workers (``workers``: id -> who and where; ``alive:<id>``: a heartbeat key with a TTL) and what each
  has taken (``inflight:<id>``, ``inflight-seeds:<id>``);
- the crawl state (``crawler.state.redis``), the near-duplicate index (``pipelines.dedupe.index.redis``) and the
  cleaner's per-site line counts (``pipelines.clean.line_stores.RedisLineStore``).

**In-flight requests.** scrapy-redis pops a request off the queue and forgets it: if the worker dies before it
is done, the request is gone (and its URL stays in the duplicate filter, so nobody schedules it again). Our
scheduler pops it into the worker's in-flight hash in the same Lua script, and removes it only when the
engine has finished with it: downloaded, its callback run, the requests it found queued and its items through
the pipelines (written, or dropped with a record). Each worker refreshes its heartbeat key every
``NEWSCORPUS_WORKER_HEARTBEAT`` seconds from a thread (so a long page does not stop it); a key that expired
(``NEWSCORPUS_WORKER_TTL``) marks a dead worker, and any live worker (or ``newscorpus seed``) reaps it: first
its unconfirmed dedupe decisions are undone, then its in-flight requests and seeds go back to the queue.

**Stopping.** A worker stops when the whole cluster has had nothing to do (empty queue, no seeds, nothing in
flight anywhere, dead workers' work included) for ``NEWSCORPUS_WORKER_IDLE_STOP`` seconds.

**Outputs.** Every worker writes its own files in the shared run folder (``articles-<worker>-NNNNN.jsonl``,
``duplicates-<worker>.jsonl``, ``rejected-<worker>.jsonl``, ``manifest-<worker>.json``); ``newscorpus merge``
checks them and writes the run's ``manifest.json``.
"""
