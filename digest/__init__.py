"""Briefing Digest: news articles in, cited event briefings and a static site out."""

__version__ = "0.1.0"
