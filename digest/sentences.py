"""Stage 3: split a clean article into sentences that keep their offsets into `Article.text`.

nupunkt (pure Python, offline) does the Punkt work; sentences never cross a paragraph,
and scripts that end sentences with their own marks (Devanagari danda, CJK full stops,
Arabic question mark) are split on those marks as well.
"""

from __future__ import annotations

import re

import nupunkt

from .models import Article, Sentence

# Sentence-final marks that Punkt (trained on English) does not know, followed by space or end.
_EXTRA_END = re.compile(r"(?<=[\u0964\u0965\u061f\u06d4\u3002\uff01\uff1f])\s*")


def _spans(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans inside one paragraph, stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    for start, end in nupunkt.sent_spans(paragraph):
        piece = paragraph[start:end]
        cuts = [0] + [m.end() for m in _EXTRA_END.finditer(piece) if 0 < m.end() < len(piece)] + [len(piece)]
        for a, b in zip(cuts, cuts[1:]):
            sub = piece[a:b]
            lead = len(sub) - len(sub.lstrip())
            trail = len(sub.rstrip())
            if trail > lead:
                spans.append((start + a + lead, start + a + trail))
    return spans


def split(article: Article) -> tuple[Sentence, ...]:
    """Every sentence of `article`, in order, with offsets into `article.text`."""
    sentences: list[Sentence] = []
    offset = 0
    for paragraph in article.paragraphs:
        for start, end in _spans(paragraph):
            sentences.append(
                Sentence(
                    article_id=article.id,
                    index=len(sentences),
                    start=offset + start,
                    end=offset + end,
                    text=paragraph[start:end],
                )
            )
        offset += len(paragraph) + 2  # the "\n\n" that Article.text puts between paragraphs
    return tuple(sentences)
