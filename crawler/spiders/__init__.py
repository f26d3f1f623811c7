"""Spiders of newscorpus."""
