"""Event ids and order: derived from the event's own articles only, so they survive new input.

An event is named after its founding article, the earliest dated one (the smallest article id
breaks ties, and names an event none of whose articles has a date):

    2022-01-03-biden-to-speak-with-ukraine-president-zelenskyy-3f2a1c9b
    <date>     <slug of its title, at most SLUG_CHARS>              <hash of its article id>

The hash keeps two events founded on one day by articles with the same headline apart without
looking at any other event; ids use only [a-z0-9-].
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from ..models import Article, Event

SLUG_CHARS = 60
HASH_CHARS = 8
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def founder(articles: Sequence[Article]) -> Article:
    """The earliest dated article, else the one with the smallest id."""
    return min(articles, key=lambda a: (_date(a) is None, _date(a) or "", a.id))


def event_id(article: Article) -> str:
    """`<date or "undated">-<title slug>-<hash>` of a founding article."""
    digest = hashlib.sha1(article.id.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]
    text = article.title or (article.paragraphs[0] if article.paragraphs else "")
    parts = [_date(article) or "undated", _slug(text), digest]
    return "-".join(part for part in parts if part)


def make_event(articles: Sequence[Article]) -> Event:
    """The Event of a group of articles: id from its founder, articles by (date or "", id)."""
    ordered = sorted(articles, key=lambda a: (a.date or "", a.id))
    return Event(id=event_id(founder(articles)), article_ids=tuple(a.id for a in ordered))


def ordered(events: Sequence[Event], articles: dict[str, Article]) -> tuple[Event, ...]:
    """Newest first by each event's latest known date; undated events last; then by id."""

    def key(event: Event) -> tuple[bool, str, str]:
        dates = [d for d in (_date(articles[i]) for i in event.article_ids) if d]
        latest = max(dates) if dates else ""
        # Descending dates with ascending ids: sort on the date's complement.
        inverted = latest.translate(str.maketrans("0123456789", "9876543210"))
        return (not dates, inverted, event.id)

    return tuple(sorted(events, key=key))


def _date(article: Article) -> str | None:
    """The article's YYYY-MM-DD date when it is a real calendar date."""
    match = _ISO_DATE.match(article.date or "")
    try:
        return date.fromisoformat(match.group()).isoformat() if match else None
    except ValueError:
        return None


def _slug(text: str) -> str:
    """Lowercase ASCII words of `text` joined by "-", cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > SLUG_CHARS:
        cut = slug[: SLUG_CHARS + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut[:SLUG_CHARS]
    return slug.strip("-")
