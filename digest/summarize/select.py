"""Choose the sentences that cover the most concept weight within the word budget.

The exact choice is a small integer program (Gillick & Favre 2009): one 0/1 variable per
sentence, one 0..1 variable per concept that may only be counted when a chosen sentence
carries it; the words of the chosen sentences stay within the budget; two sentences that
repeat each other are never both chosen. SciPy's HiGHS solves it. A greedy pass (best new
weight per word) runs as well, and its answer is kept when the solver, stopped by its
limits, found nothing better.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

# The solver stops after this many branch-and-bound nodes (a count, so that the answer
# does not depend on the machine's speed) or, as a safety net, this many seconds; the
# greedy answer is kept whenever it covers more.
NODE_LIMIT = 20_000
TIME_LIMIT = 20.0
# The program only sees this many options, those with the most weight per word; a briefing
# of a few hundred words never needs the rest of a very large event's sentences.
MAX_OPTIONS = 400


@dataclass(frozen=True)
class Option:
    """One sentence the summary may take."""

    words: int
    concepts: frozenset[Hashable]
    bonus: float = 0.0  # small preference on top of concept weight (e.g. early position)


def choose(
    options: Sequence[Option],
    weights: Mapping[Hashable, float],
    budget: int,
    conflicts: Sequence[tuple[int, int]] = (),
    time_limit: float = TIME_LIMIT,
) -> list[int]:
    """Indices of the chosen options, ascending."""
    fitting = [i for i, o in enumerate(options) if 0 < o.words <= budget and _worth(o, weights) > 0]
    if not fitting:
        return []
    if len(fitting) > MAX_OPTIONS:
        by_rate = sorted(fitting, key=lambda i: -_worth(options[i], weights) / options[i].words)
        fitting = sorted(by_rate[:MAX_OPTIONS])
    fallback = greedy(options, weights, budget, conflicts)
    chosen = _solve(options, fitting, weights, budget, conflicts, time_limit)
    if chosen is None or value(options, chosen, weights) < value(options, fallback, weights):
        chosen = fallback
    return sorted(chosen)


def _worth(option: Option, weights: Mapping[Hashable, float]) -> float:
    return sum(weights.get(c, 0.0) for c in option.concepts) + option.bonus


def value(options: Sequence[Option], chosen: Sequence[int], weights: Mapping[Hashable, float]) -> float:
    """The objective: weight of the concepts covered plus the options' bonuses."""
    covered = set().union(*(options[i].concepts for i in chosen)) if chosen else set()
    return sum(weights.get(c, 0.0) for c in covered) + sum(options[i].bonus for i in chosen)


def greedy(
    options: Sequence[Option],
    weights: Mapping[Hashable, float],
    budget: int,
    conflicts: Sequence[tuple[int, int]] = (),
) -> list[int]:
    """Repeatedly take the option adding the most new weight per word that still fits."""
    blocked: dict[int, set[int]] = {}
    for a, b in conflicts:
        blocked.setdefault(a, set()).add(b)
        blocked.setdefault(b, set()).add(a)
    covered: set[Hashable] = set()
    chosen: list[int] = []
    excluded: set[int] = set()
    left = budget
    while True:
        best, best_rate = -1, 0.0
        for i, option in enumerate(options):
            if i in excluded or not 0 < option.words <= left:
                continue
            gain = sum(weights.get(c, 0.0) for c in option.concepts - covered) + option.bonus
            rate = gain / option.words
            if rate > best_rate:
                best, best_rate = i, rate
        if best < 0:
            return sorted(chosen)
        chosen.append(best)
        covered |= options[best].concepts
        left -= options[best].words
        excluded.add(best)
        excluded |= blocked.get(best, set())


def _solve(
    options: Sequence[Option],
    fitting: Sequence[int],
    weights: Mapping[Hashable, float],
    budget: int,
    conflicts: Sequence[tuple[int, int]],
    time_limit: float,
) -> list[int] | None:
    concepts = sorted(
        {c for i in fitting for c in options[i].concepts if weights.get(c, 0.0) > 0}, key=repr
    )
    column = {c: len(fitting) + k for k, c in enumerate(concepts)}
    position = {i: k for k, i in enumerate(fitting)}
    n_vars = len(fitting) + len(concepts)

    # maximise concept weight + bonus  ==  minimise its negative
    cost = np.zeros(n_vars)
    for k, i in enumerate(fitting):
        cost[k] = -options[i].bonus
    for c, col in column.items():
        cost[col] = -weights[c]

    rows, cols, vals, upper = [], [], [], []

    def add_row(entries: list[tuple[int, float]], bound: float) -> None:
        r = len(upper)
        for col, val in entries:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        upper.append(bound)

    add_row([(k, float(options[i].words)) for k, i in enumerate(fitting)], float(budget))
    carriers: dict[int, list[int]] = {}
    for k, i in enumerate(fitting):
        for c in options[i].concepts:
            if c in column:
                carriers.setdefault(column[c], []).append(k)
    for col in sorted(carriers):  # a concept counts only if a chosen sentence carries it
        add_row([(col, 1.0)] + [(k, -1.0) for k in carriers[col]], 0.0)
    for a, b in conflicts:
        if a in position and b in position:
            add_row([(position[a], 1.0), (position[b], 1.0)], 1.0)

    matrix = coo_array((vals, (rows, cols)), shape=(len(upper), n_vars)).tocsr()
    integrality = np.zeros(n_vars)
    integrality[: len(fitting)] = 1  # concept variables come out 0/1 by themselves
    result = milp(
        cost,
        constraints=LinearConstraint(matrix, -np.inf, np.array(upper)),
        integrality=integrality,
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "node_limit": NODE_LIMIT, "disp": False},
    )
    if result.x is None:
        return None
    return [i for k, i in enumerate(fitting) if result.x[k] > 0.5]
