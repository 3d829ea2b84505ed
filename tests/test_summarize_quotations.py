"""`in_quotations` finds its marks by a quick scan; it must find what _MARKS.finditer finds."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.summarize import candidates

# Quote marks of every kind next to letters, digits, spaces, brackets, dashes, sentence ends
# and paragraph breaks (runs of newlines overlap the two-newline break).
PIECES = ['"', "“", "”", "„", "«", "»", "‘", "’", "'", "‹", "\n", "\n\n", " ", "\t", "(", "[", "—", "-", ".", ",", "!", "I", "m", "s", "9", "_", "é", "צ", "ל"]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def _found(matches) -> list[tuple[tuple[int, int], str, str | None]]:
    return [(m.span(), m.group(), m.group("opens")) for m in matches]


@settings(max_examples=500, deadline=None)
@given(text=texts)
def test_the_quick_scan_finds_the_marks_of_the_full_pattern(text):
    assert _found(candidates._marks(text)) == _found(candidates._MARKS.finditer(text))


def test_marks_at_the_edges_and_in_runs_of_newlines():
    for text in ["'Tis", "\n\n\n", "\n\n\n\n'a", "x'\n\n'y", "a''b", "(\"'é'\")", "'", "\n", ""]:
        assert _found(candidates._marks(text)) == _found(candidates._MARKS.finditer(text)), text


@settings(max_examples=300, deadline=None)
@given(text=texts, cuts=st.lists(st.floats(0, 1), min_size=1, max_size=6))
def test_in_quotations_is_that_of_the_full_pattern(text, cuts):
    bounds = sorted({0, len(text), *(int(c * len(text)) for c in cuts)})
    spans = list(pairwise(bounds)) or [(0, 0)]
    fast = candidates.in_quotations(text, spans)
    plain_marks, candidates._marks = candidates._marks, candidates._MARKS.finditer
    try:
        assert fast == candidates.in_quotations(text, spans)
    finally:
        candidates._marks = plain_marks
