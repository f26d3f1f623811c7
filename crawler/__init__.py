"""The Scrapy project of newscorpus: settings, spiders, middlewares and the ``newscorpus`` command."""
