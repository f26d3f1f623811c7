"""Where the dedupe stage keeps its entries: in memory (a band table and packed entries), in the crawl state's
SQLite file, or in the shared Redis of a distributed crawl; ``base`` holds what they have in common."""
