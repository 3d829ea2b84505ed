"""Where the summaries' quality gap lies: what better concept weights could give, and what not.

    python bench/headroom.py [--data DIR] [--budget 250]

Our summariser weighs each concept (pair of adjacent stems) by how many articles mention
it and how many ledes state it, then chooses the sentences that cover the most weight
within the budget (`digest.summarize`). For every language of TAC 2011 this prints the
ROUGE-2 recall (as `bench/quality.py` scores it) of:

* ours, with the site's defaults;
* ours with weights fitted to the references from those same two features: for each
  (articles mentioning, ledes stating) pair, the share of TAC English references that hold
  such concepts. Fitted on English, so in-sample there: what any weighting of these two
  features could give;
* ours with the references' own concepts as weights (each concept weighs the share of the
  cluster's references that hold it): the same candidates, conflicts and search, so the
  gap between this row and ours is what better concept weights alone could close;
* an extractive oracle: whole sentences of 6+ words, chosen greedily for ROUGE-2 against
  the references, within the budget: a bound on extractive summaries of these articles;
* the target: 1.3 times sumy's LexRank, and the 6+-word Lead.

The two upper rows read the references, so they are diagnoses, never systems.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import pairwise
from pathlib import Path
from statistics import mean

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import digest.summarize as summarize_module  # noqa: E402
from bench import quality  # noqa: E402
from digest import sentences as splitter  # noqa: E402
from digest.models import Article  # noqa: E402
from digest.summarize.concepts import SHIFT, sentence_concepts  # noqa: E402

ORACLE_LEAST = 6  # the oracle passes over shorter sentences (datelines), as the second Lead does
FEATURE_CAPS = (8, 3)  # articles mentioning, ledes stating: larger counts share the top bucket

Pair = tuple[str, str]
# Weights from what summarize knows of each concept: articles mentioning it, ledes stating
# it, the number of articles, and the concepts themselves as pairs of stems.
Weigh = Callable[[np.ndarray, np.ndarray, int, list[Pair]], np.ndarray]


@contextlib.contextmanager
def weighing(weigh: Weigh) -> Iterator[None]:
    """Within the block, `summarize` weighs its concepts by `weigh` instead of its defaults.

    Reaches into the summariser's module (its concept numbering and weighting); a benchmark's
    diagnosis may, the site never does.
    """
    seen: dict[str, object] = {}

    class Numbers(summarize_module.Numbers):
        def __init__(self) -> None:
            super().__init__()
            seen["numbers"] = self

    def concept_sets(stems, stopped, ends):
        found = original_sets(stems, stopped, ends)
        seen["codes"] = found[1]
        return found

    def concept_weights(said, told, articles, lede_boost=0.0):
        stem_of = {n: stem for stem, n in seen["numbers"].items()}
        low = (1 << SHIFT) - 1
        pairs = [(stem_of[int(c) >> SHIFT], stem_of[int(c) & low]) for c in seen["codes"]]
        return weigh(said, told, articles, pairs)

    original_sets = summarize_module.concept_sets
    saved = {name: getattr(summarize_module, name) for name in ("Numbers", "concept_sets", "concept_weights")}
    summarize_module.Numbers = Numbers
    summarize_module.concept_sets = concept_sets
    summarize_module.concept_weights = concept_weights
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(summarize_module, name, value)


def reference_concepts(cluster: quality.Cluster) -> list[set[Pair]]:
    """The concepts of each reference, sentence by sentence as the summariser forms them."""
    found = []
    for k, text in enumerate(cluster.references):
        article = Article(id=f"reference-{k}", title="", paragraphs=(text,), language=cluster.language)
        found.append(set().union(*(sentence_concepts(s.text, cluster.language) for s in splitter.split(article))))
    return found


def _share(pair: Pair, references: Sequence[set[Pair]]) -> float:
    return sum(pair in r for r in references) / len(references)


class ReferenceWeights:
    """Ours, each concept weighing the share of the cluster's references that hold it."""

    def __init__(self) -> None:
        self.ours = quality.Ours()

    def __call__(self, cluster, sents, budget):
        references = reference_concepts(cluster)

        def weigh(said, told, articles, pairs):
            return np.array([_share(p, references) for p in pairs])

        with weighing(weigh):
            return self.ours(cluster, sents, budget)


def _bucket(said: int, told: int) -> tuple[int, int]:
    return min(said, FEATURE_CAPS[0]), min(told, FEATURE_CAPS[1])


def fit_feature_table(clusters: Sequence[quality.Cluster], budget: int) -> dict[tuple[int, int], float]:
    """For each (articles mentioning, ledes stating) bucket, the share of references holding
    such concepts, over every concept of `clusters` as the summariser sees them."""
    totals: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for cluster in clusters:
        references = reference_concepts(cluster)

        def record(said, told, articles, pairs, references=references):
            for s, t, p in zip(said.tolist(), told.tolist(), pairs):
                cell = totals[_bucket(s, t)]
                cell[0] += 1
                cell[1] += _share(p, references)
            return np.ones(len(pairs))

        with weighing(record):
            quality.Ours()(cluster, quality.split_all(cluster.articles), budget)
    return {key: held / count for key, (count, held) in totals.items()}


class FittedWeights:
    """Ours, each concept weighing its bucket's share in `table` (unseen buckets weigh 0)."""

    def __init__(self, table: dict[tuple[int, int], float]) -> None:
        self.table, self.ours = table, quality.Ours()

    def __call__(self, cluster, sents, budget):
        def weigh(said, told, articles, pairs):
            return np.array([self.table.get(_bucket(s, t), 0.0) for s, t in zip(said.tolist(), told.tolist())])

        with weighing(weigh):
            return self.ours(cluster, sents, budget)


def _bigrams(tokens: Sequence[str]) -> Counter:
    return Counter(pairwise(tokens))


def oracle(cluster: quality.Cluster, sents, budget: int) -> list[str]:
    """Whole sentences of ORACLE_LEAST+ words, each time the one raising ROUGE-2 recall most
    (mean over the references), while any fits the budget and raises it."""
    tokenize = quality.scorer(cluster.language)._tokenizer.tokenize
    references = [_bigrams(tokenize(r)) for r in cluster.references]
    sizes = [max(sum(r.values()), 1) for r in references]
    pool = list(dict.fromkeys(
        s.text for a in cluster.articles for s in sents[a.id] if len(s.text.split()) >= ORACLE_LEAST
    ))
    tokens = {t: tokenize(t) for t in pool}
    chosen: list[str] = []
    summary: list[str] = []
    have: Counter = Counter()
    left, current = budget, 0.0

    def recall(counts: Counter) -> float:
        return mean(sum(min(n, counts[b]) for b, n in r.items()) / size for r, size in zip(references, sizes))

    while True:
        best, best_score = None, current
        for text in pool:
            if text in chosen or len(text.split()) > left:
                continue
            added = _bigrams(summary[-1:] + tokens[text])
            score = recall(have + added)
            if score > best_score:
                best, best_score = text, score
        if best is None:
            return chosen
        chosen.append(best)
        have += _bigrams(summary[-1:] + tokens[best])
        summary += tokens[best]
        left -= len(best.split())
        current = best_score


def run(data: Path, budget: int) -> str:
    english = quality.load_clusters(data / quality.TAC_ENGLISH)
    by_language = {"English": english, **quality.other_languages(data, english)}
    table = fit_feature_table(english, budget)
    systems = {
        "ours": quality.Ours(),
        "fitted": FittedWeights(table),
        "reference weights": ReferenceWeights(),
        "oracle": oracle,
        "LexRank": quality._sumy(quality.LexRankSummarizer),
        "Lead 6+": partial(quality.lead, least=6),
    }
    lines = [
        f"ROUGE-2 recall at {budget} words, TAC 2011 (`python bench/headroom.py`)",
        "",
        (
            "| Language | ours | fitted to references: mentions, ledes | references' concepts as weights "
            "| extractive oracle | target: 1.3 × LexRank | Lead 6+ |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, clusters in by_language.items():
        scores = {s.system: s.rouge2 for s in quality.evaluate(clusters, label, budget, systems)}
        cells = [scores["ours"], scores["fitted"], scores["reference weights"], scores["oracle"],
                 quality.LEXRANK_FACTOR * scores["LexRank"], scores["Lead 6+"]]
        lines.append(f"| {label} | " + " | ".join(f"{v:.4f}" for v in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=quality.DATA, help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--budget", type=int, default=quality.BUDGETS[0], help="words per summary (default: 250)")
    args = parser.parse_args(argv)
    if not (args.data / quality.TAC_ENGLISH).is_file():
        print(f"TAC 2011 data not found under {args.data}", file=sys.stderr)
        return 2
    print(run(args.data, args.budget), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
