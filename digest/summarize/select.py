"""Choose the sentences that cover the most concept weight within the word budget.

The objective is Gillick & Favre's (2009): the weight of the concepts that the chosen
sentences cover, plus each sentence's bonus, with the words within the budget and no two
sentences that repeat each other. It is made small first, without changing its optimum:
a concept that only one option carries is that option's own weight. Then a greedy pass
(most new weight per word) runs from every promising first sentence at once, as matrix
products, and the best result is improved by swaps (take one sentence out, put the best
one in) while any swap gains.

On TAC 2011 this reaches on average 99.6% of the exact optimum, which `exact=True` finds
with an integer program (SciPy's HiGHS), and the same ROUGE within noise (`bench/quality.py
--variants` compares the two), at a small fraction of the cost: the solver's root work
alone takes 20-500 ms per event, several times the rest of the summariser.
All weights are put on a grid of 1/SCALE, so that every sum is exact whatever order the
arithmetic takes: the choice cannot depend on the machine.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array, eye, hstack, vstack

from .sets import distinct

# The search only sees this many options, those with the most weight per word: a briefing
# of a few hundred words never needs the rest (on TAC 2011, 80 options and 400 give the
# same summaries with the exact solver).
MAX_OPTIONS = 80
# Greedy passes start from each of this many best options by weight per word (and from none).
SEEDS = 10
SCALE = 1024  # weights are rounded to multiples of 1/SCALE: exact sums in any order
MAX_SWAPS = 50  # a bound on the improving swaps, each of which raises the objective
# The exact solver stops after this many branch-and-bound nodes: a count, not seconds, so
# that its answer never depends on the machine's speed.
NODE_LIMIT = 20_000


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
    exact: bool = False,
) -> list[int]:
    """Indices of the chosen options, ascending; `exact` solves the integer program instead."""
    ids: dict[Hashable, int] = {}
    owners: list[int] = []
    concepts: list[int] = []
    for k, option in enumerate(options):
        for c in option.concepts:
            owners.append(k)
            concepts.append(ids.setdefault(c, len(ids)))
    return choose_from(
        np.array(owners, dtype=np.intp),
        np.array(concepts, dtype=np.intp),
        np.array([weights.get(c, 0.0) for c in ids]),
        np.array([o.words for o in options], dtype=float),
        np.array([o.bonus for o in options], dtype=float),
        budget,
        conflicts,
        exact,
    )


def choose_from(
    owners: np.ndarray,
    concepts: np.ndarray,
    weights: np.ndarray,
    words: np.ndarray,
    bonus: np.ndarray,
    budget: int,
    conflicts: Sequence[tuple[int, int]] = (),
    exact: bool = False,
) -> list[int]:
    """`choose` with the options given as arrays: option owners[k] carries concept
    concepts[k] (once each), `weights` are the concepts' weights, `words` and `bonus` each
    option's length and bonus."""
    weight = weights[concepts]
    owners, concepts, weight = owners[weight > 0], concepts[weight > 0], weight[weight > 0]
    # unrounded here: a small bonus (a late sentence's position) may be all an option is worth
    worth = np.bincount(owners, weights=weight, minlength=words.size) + bonus
    fitting = np.flatnonzero((words > 0) & (words <= budget) & (worth > 0))
    if fitting.size > MAX_OPTIONS:  # the most weight per word; ties: the lower index
        fitting = np.sort(fitting[np.argsort(-worth[fitting] / words[fitting], kind="stable")[:MAX_OPTIONS]])
    inside = set(fitting.tolist())
    conflicts = [(a, b) for a, b in conflicts if a in inside and b in inside]
    if not fitting.size:
        return []
    if words[fitting].sum() <= budget and not conflicts and (bonus[fitting] >= 0).all():
        return fitting.tolist()  # all of them fit: each adds weight, none takes any away
    position = np.full(words.size, -1)
    position[fitting] = np.arange(fitting.size)
    held = position[owners] >= 0
    problem = _Problem.reduce(
        position[owners[held]], concepts[held], _grid(weights), _grid(bonus[fitting]), words[fitting], budget,
        _renumber(conflicts, fitting),
    )
    found = problem.exact() if exact else problem.solve()
    return sorted(int(fitting[k]) for k in found)


def _renumber(conflicts: Sequence[tuple[int, int]], fitting: np.ndarray) -> list[tuple[int, int]]:
    position = {int(i): k for k, i in enumerate(fitting)}
    return [(position[a], position[b]) for a, b in conflicts]


def value(options: Sequence[Option], chosen: Sequence[int], weights: Mapping[Hashable, float]) -> float:
    """The objective: weight of the concepts covered plus the options' bonuses.

    Sums are exact (`math.fsum`), so the order in which a set yields its concepts, which
    varies between processes, cannot change a comparison.
    """
    covered = set().union(*(options[i].concepts for i in chosen)) if chosen else set()
    return math.fsum(weights.get(c, 0.0) for c in covered) + math.fsum(options[i].bonus for i in chosen)


def greedy(
    options: Sequence[Option],
    weights: Mapping[Hashable, float],
    budget: int,
    conflicts: Sequence[tuple[int, int]] = (),
) -> list[int]:
    """Repeatedly take the option adding the most new weight per word that still fits.

    Ties go to the lower index. An option's gain only shrinks as more is covered, so the
    options wait in a heap under the rate they had when last looked at, and only the one on
    top is looked at again ("lazy greedy", Minoux 1978).
    """
    blocked: dict[int, set[int]] = {}
    for a, b in conflicts:
        blocked.setdefault(a, set()).add(b)
        blocked.setdefault(b, set()).add(a)
    covered: set[Hashable] = set()
    chosen: list[int] = []
    excluded: set[int] = set()
    left = budget

    def rate(i: int) -> float:
        option = options[i]
        return (math.fsum(weights.get(c, 0.0) for c in option.concepts - covered) + option.bonus) / option.words

    heap = [(-rate(i), i) for i, o in enumerate(options) if 0 < o.words <= budget]
    heapq.heapify(heap)
    while heap:
        stale, i = heapq.heappop(heap)
        if i in excluded or options[i].words > left:
            continue
        fresh = rate(i)
        if fresh <= 0:
            continue
        if heap and (-fresh, i) > heap[0]:
            heapq.heappush(heap, (-fresh, i))  # another option may now be better: look again
            continue
        chosen.append(i)
        covered |= options[i].concepts
        left -= options[i].words
        excluded.add(i)
        excluded |= blocked.get(i, set())
    return sorted(chosen)


class _Problem:
    """The reduced problem: K options, G concepts that several carry, integer-valued weights."""

    def __init__(self, own: np.ndarray, carries: csr_array, worth: np.ndarray, words: np.ndarray,
                 budget: int, blocks: np.ndarray):
        self.own = own  # (K,) bonus plus the concepts only this option carries
        # (K, G) sparse, 1.0 where option k carries concept g. Sparse products
        # also keep the work on one core: small dense ones go to a threaded BLAS that
        # spins the second core for nothing.
        self.carries = carries
        self.dense = carries.toarray() > 0
        self.worth = worth  # (G,) weight of each concept
        self.words = words  # (K,)
        self.budget = float(budget)
        self.blocks = blocks  # (K, K) True where two options repeat each other

    @classmethod
    def reduce(
        cls, owners: np.ndarray, concepts: np.ndarray, grid: np.ndarray, own: np.ndarray, words: np.ndarray,
        budget: int, conflicts: Sequence[tuple[int, int]],
    ) -> _Problem:
        """The problem of options carrying concepts (option owners[k] carries concepts[k])
        of weights `grid` (in 1/SCALE): a concept only one option carries is counted exactly
        when that option is chosen, so it joins that option's own weight."""
        names = distinct(concepts)
        column = np.searchsorted(names, concepts)
        alone = np.bincount(column, minlength=names.size)[column] == 1
        own = own + np.bincount(owners[alone], weights=grid[concepts[alone]], minlength=own.size)
        shared, column = np.unique(column[~alone], return_inverse=True)
        carries = csr_array(
            (np.ones(column.size), (owners[~alone], column)), shape=(own.size, shared.size)
        )
        blocks = np.zeros((own.size, own.size), dtype=bool)
        for a, b in conflicts:
            blocks[a, b] = blocks[b, a] = True
        return cls(own=own, carries=carries, worth=grid[names[shared]], words=words, budget=budget, blocks=blocks)

    def solve(self) -> list[int]:
        """The best set found: greedy from each seed, then improving swaps."""
        rate = (self.own + self.carries @ self.worth) / self.words
        seeds = [-1, *np.argsort(-rate, kind="stable")[:SEEDS].tolist()]
        chosen, values = self.greedy_from(seeds)
        best = chosen[int(values.argmax())]  # the first of equal values: the earliest seed
        return np.flatnonzero(self.improve(best)).tolist()

    def exact(self) -> list[int]:
        """The optimum by integer programming; the search's answer if the node limit cuts it short."""
        from scipy.optimize import Bounds, LinearConstraint, milp  # here: only this variant needs it

        k, g = self.carries.shape
        rows = [
            csr_array(np.concatenate([self.words, np.zeros(g)])[None, :]),  # the budget
            hstack([-self.carries.T, eye(g)]),  # a concept counts only if a chosen option carries it
        ]
        upper = [self.budget] + [0.0] * g
        a, b = np.nonzero(np.triu(self.blocks))
        if a.size:
            pairs = np.zeros((a.size, k + g))
            pairs[np.arange(a.size), a] = pairs[np.arange(a.size), b] = 1.0
            rows.append(csr_array(pairs))
            upper += [1.0] * a.size
        result = milp(
            -np.concatenate([self.own, self.worth]),
            constraints=LinearConstraint(vstack(rows), -np.inf, np.array(upper)),
            integrality=np.concatenate([np.ones(k), np.zeros(g)]),
            bounds=Bounds(0, 1),
            options={"node_limit": NODE_LIMIT, "disp": False},
        )
        found = self.solve()
        if result.x is None:
            return found
        best = np.flatnonzero(result.x[:k] > 0.5).tolist()
        return best if self.value(best) >= self.value(found) else found

    def value(self, chosen: Sequence[int]) -> float:
        covered = self.dense[list(chosen)].any(axis=0)
        return float(self.own[list(chosen)].sum() + self.worth[covered].sum())

    def greedy_from(self, seeds: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """One greedy pass per seed (-1: no seed), all at once; their choices and values."""
        m, k = len(seeds), len(self.own)
        chosen = np.zeros((m, k), dtype=bool)
        covered = np.zeros((m, self.carries.shape[1]), dtype=bool)
        closed = np.zeros((m, k), dtype=bool)  # chosen or blocked by a chosen option
        left = np.full(m, self.budget)
        rows = np.arange(m)

        def take(where: np.ndarray, picks: np.ndarray) -> None:
            chosen[where, picks] = True
            covered[where] |= self.dense[picks]
            closed[where] |= self.blocks[picks]
            closed[where, picks] = True
            left[where] -= self.words[picks]

        start = np.array(seeds)
        seeded = np.flatnonzero(start >= 0)
        take(seeded, start[seeded])
        active = rows
        while active.size:
            gain = self.own + self._gains(~covered[active])
            open_ = ~closed[active] & (self.words <= left[active, None])
            rate = np.where(open_, gain / self.words, -np.inf)
            picks = rate.argmax(axis=1)  # ties: the lowest index
            good = rate[np.arange(active.size), picks] > 0
            active, picks = active[good], picks[good]
            take(active, picks)
        values = np.where(chosen, self.own, 0.0).sum(axis=1) + np.where(covered, self.worth, 0.0).sum(axis=1)
        return chosen, values

    def _gains(self, uncovered: np.ndarray) -> np.ndarray:
        """(M, K): for each row of uncovered concepts, the weight each option would add."""
        return (self.carries @ (uncovered * self.worth).T).T

    def improve(self, chosen: np.ndarray) -> np.ndarray:
        """Swaps that raise the objective (one option out, or none, and one in), best first."""
        chosen = chosen.copy()
        for _ in range(MAX_SWAPS):
            count = self.dense[chosen].sum(axis=0)  # carriers of each concept among the chosen
            used = float(self.words[chosen].sum())
            outs = np.flatnonzero(chosen)
            # row 0: nothing taken out; row 1 + r: option outs[r] taken out
            after = np.vstack([count, count - self.dense[outs]])
            lost = np.concatenate(
                [[0.0], self.own[outs] + np.where((count > 0) & (after[1:] == 0), self.worth, 0.0).sum(axis=1)]
            )
            room = self.budget - used + np.concatenate([[0.0], self.words[outs]])
            gain = self.own + self._gains(after == 0) - lost[:, None]
            keep = np.vstack([chosen, np.tile(chosen, (outs.size, 1))])
            keep[np.arange(1, outs.size + 1), outs] = False
            blocked = np.zeros_like(keep)
            for k in np.flatnonzero(chosen):
                blocked[keep[:, k]] |= self.blocks[k]
            open_ = ~keep & ~blocked & (self.words <= room[:, None])
            open_[np.arange(1, outs.size + 1), outs] = False
            gain = np.where(open_, gain, -np.inf)
            best = int(gain.argmax())
            r, a = divmod(best, gain.shape[1])
            if gain[r, a] <= 0:
                break
            if r:
                chosen[outs[r - 1]] = False
            chosen[a] = True
        return chosen


def _grid(values: Sequence[float]) -> np.ndarray:
    """`values` rounded to multiples of 1/SCALE, kept as whole numbers of them."""
    return np.rint(np.array(values, dtype=float) * SCALE)
