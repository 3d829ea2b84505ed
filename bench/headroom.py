"""Where the summaries' quality gap lies: what better concept weights could give, and what not.

    python bench/headroom.py [--data DIR] [--budget 250]

Our summariser weighs each concept (pair of adjacent stems) by how many articles mention
it and how many ledes state it, then chooses the sentences that cover the most weight
within the budget (`digest.summarize`). For every language of TAC 2011 this prints the
ROUGE-2 recall (as `bench/quality.py` scores it) of:

* ours, with the site's defaults;
* ours with weights fitted to the references: the probability that a reference holds a
  concept, by a logistic model over those same two features, and over ten (`FEATURES`: how
  often and how early the articles tell it, in a headline, rarity, ...), fitted on the TAC
  English references (in-sample there): what weighting from what the articles show could give;
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
import functools
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import pairwise
from pathlib import Path
from statistics import mean

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import digest.summarize as summarize_module  # noqa: E402
from bench import quality  # noqa: E402
from digest import sentences as splitter  # noqa: E402
from digest.events import background  # noqa: E402
from digest.models import Article  # noqa: E402
from digest.summarize.candidates import MIN_WORDS  # noqa: E402
from digest.summarize.concepts import SHIFT, sentence_concepts  # noqa: E402
from digest.text import count_words, function_words, stem_all, terms  # noqa: E402

ORACLE_LEAST = 6  # the oracle passes over shorter sentences (datelines), as the second Lead does

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


FEATURES = (
    "articles mentioning (log)", "ledes stating", "mentions (log)", "first position (log)", "in a headline",
    "in the first article", "in the last article", "rarity of its rarer word", "holds a function word",
    "mentions per article (log)",
)
TWO_FEATURES = (0, 1)  # what ours weighs by


@functools.lru_cache(maxsize=None)
def concept_features(cluster: quality.Cluster) -> dict[Pair, list[float]]:
    """FEATURES of every concept of the cluster's articles: what could tell an important one.
    Kept for each cluster: both fitted models are trained on English's and weigh with them."""
    stop = function_words(cluster.language)
    rarity, unlisted = background.weights(cluster.language)
    sents = quality.split_all(cluster.articles)
    found: dict[Pair, dict] = defaultdict(
        lambda: {"articles": set(), "ledes": 0, "mentions": 0, "first": 99, "rare": 0.0, "stop": False}
    )
    headlines: set[Pair] = set()
    last = len(cluster.articles) - 1
    for k, article in enumerate(cluster.articles):
        headlines |= sentence_concepts(article.title, cluster.language)
        depth = 0
        for sentence in sents[article.id]:
            tokens = terms(sentence.text, cluster.language)
            long_enough = count_words(sentence.text) >= MIN_WORDS
            for (a, b), pair in zip(pairwise(tokens), pairwise(stem_all(tokens, cluster.language))):
                if a in stop and b in stop:
                    continue
                f = found[pair]
                f["ledes"] += depth == 0 and long_enough and k not in f["articles"]
                f["articles"].add(k)
                f["mentions"] += 1
                f["first"] = min(f["first"], depth)
                f["rare"] = max(f["rare"], rarity.get(a, unlisted), rarity.get(b, unlisted))
                f["stop"] = a in stop or b in stop
            depth += long_enough
    return {
        pair: [
            math.log1p(len(f["articles"])), f["ledes"], math.log1p(f["mentions"]), math.log1p(f["first"]),
            pair in headlines, 0 in f["articles"], last in f["articles"], f["rare"], f["stop"],
            math.log1p(f["mentions"] / len(f["articles"])),
        ]
        for pair, f in found.items()
    }


def fit(clusters: Sequence[quality.Cluster], columns: Sequence[int]) -> LogisticRegression:
    """A logistic model of whether a reference holds a concept, from its FEATURES[columns]."""
    rows, held = [], []
    for cluster in clusters:
        references = reference_concepts(cluster)
        for pair, features in concept_features(cluster).items():
            rows.append(features)
            held.append(any(pair in r for r in references))
    return LogisticRegression(max_iter=5000).fit(np.array(rows, dtype=float)[:, list(columns)], held)


class FittedWeights:
    """Ours, each concept weighing the probability `model` gives that a reference holds it."""

    def __init__(self, model: LogisticRegression, columns: Sequence[int]) -> None:
        self.model, self.columns, self.ours = model, list(columns), quality.Ours()

    def __call__(self, cluster, sents, budget):
        features = concept_features(cluster)
        blank = [0.0] * len(FEATURES)

        def weigh(said, told, articles, pairs):
            rows = np.array([features.get(p, blank) for p in pairs], dtype=float).reshape(-1, len(FEATURES))
            return self.model.predict_proba(rows[:, self.columns])[:, 1] if len(pairs) else np.zeros(0)

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
    every = list(range(len(FEATURES)))
    systems = {
        "ours": quality.Ours(),
        "fitted, two": FittedWeights(fit(english, TWO_FEATURES), TWO_FEATURES),
        "fitted, all": FittedWeights(fit(english, every), every),
        "reference weights": ReferenceWeights(),
        "oracle": oracle,
        "LexRank": quality._sumy(quality.LexRankSummarizer),
        "Lead 6+": partial(quality.lead, least=6),
    }
    lines = [
        f"ROUGE-2 recall at {budget} words, TAC 2011 (`python bench/headroom.py`)",
        "",
        (
            "| Language | ours | fitted: mentions, ledes | fitted: 10 features | references' concepts as weights "
            "| extractive oracle | target: 1.3 × LexRank | Lead 6+ |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, clusters in by_language.items():
        scores = {s.system: s.rouge2 for s in quality.evaluate(clusters, label, budget, systems)}
        cells = [scores["ours"], scores["fitted, two"], scores["fitted, all"], scores["reference weights"], scores["oracle"],
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
