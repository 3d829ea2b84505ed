"""Stage 4: group articles that report one real-world event.

    vectors     features.py    words weighted by their rarity in the language (background.py)
                               + names/numbers; headline x3, lead x2
    neighbours  neighbours.py  top similar articles, time-decayed, within date windows (no all-pairs)
    clusters    linkage.py     average link under a locally scaled threshold, per component
    ids, order  ids.py         named after the founding article; newest events first

Articles of different languages are never grouped together: word vectors of two languages do
not meet, and each language has its own word weights. The output depends only on the set of
articles, not on their order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..models import Article, Event
from . import features
from .ids import make_event, ordered

if TYPE_CHECKING:
    from .incremental import Grouping

# linkage and neighbours (scipy) are imported where events are grouped: a rebuild that finds
# every event in the cache only unpickles the articles' terms (`features.Terms`).

__all__ = ["by_language", "group", "group_batch", "ordered", "regroup_batch"]


def group(
    articles: Sequence[Article], *, threshold: float | None = None, terms: Mapping[str, features.Terms] | None = None
) -> tuple[Event, ...]:
    """Every article in exactly one Event; events newest first (see `ids.ordered`).

    `threshold` overrides the absolute similarity floor (`linkage.MIN_SIMILARITY`, a cosine
    in [0, 1]); higher gives smaller, purer events. `terms` are already computed
    `features.terms` by article id (the rest are computed here). Raises ValueError on
    duplicate article ids.
    """
    by_id = {a.id: a for a in articles}
    if len(by_id) != len(articles):
        raise ValueError("article ids are not unique")
    _floor(threshold)  # a bad threshold is an error even with no article to group
    events = [e for batch in by_language(articles) for e in group_batch(batch, threshold=threshold, terms=terms)]
    return ordered(events, by_id)


def by_language(articles: Sequence[Article]) -> list[list[Article]]:
    """The articles of each language, by id: each batch is grouped on its own (`group_batch`),
    so a caller may keep the events of a language whose articles did not change."""
    languages = sorted({a.language.casefold() for a in articles})
    return [sorted((a for a in articles if a.language.casefold() == language), key=lambda a: a.id) for language in languages]


def group_batch(
    batch: Sequence[Article], *, threshold: float | None = None, terms: Mapping[str, features.Terms] | None = None
) -> list[Event]:
    """The events of one batch of `by_language`, in no particular order (`ordered` sorts them)."""
    return regroup_batch(batch, None, threshold=threshold, terms=terms)[0]


def regroup_batch(
    batch: Sequence[Article],
    previous: Grouping | None,
    *,
    threshold: float | None = None,
    terms: Mapping[str, features.Terms] | None = None,
    keys: Mapping[str, str] | None = None,
) -> tuple[list[Event], Grouping]:
    """`group_batch`'s events, and what grouping this batch again after a change will need:
    given that of an earlier run (`previous`), only what the change concerns is redone
    (`incremental`), with the same result. `keys`, if given, name each article's content."""
    from . import incremental

    parts, state = incremental.group(list(batch), _floor(threshold), terms, previous, keys)
    return [make_event(part) for part in parts], state


def _floor(threshold: float | None) -> float:
    from . import linkage

    floor = linkage.MIN_SIMILARITY if threshold is None else float(threshold)
    if not 0.0 < floor <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    return floor
