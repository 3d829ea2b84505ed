"""Event grouping quality (B-cubed against gold clusters) and its speed on a large corpus.

    python bench/events_quality.py [--data DIR] [--sizes 10000 50000]

Quality: `digest.events.group` with its defaults against a plain baseline, TF-IDF cosine with
scipy average linkage over the whole corpus (every pair), on

* ECB+ (982 news and blog documents, 86 gold events, two lookalike events per topic), and
* TAC 2011 MultiLing, all 7 languages (70 clusters of 10 WikiNews articles; a cluster is the
  gold event, though its articles may span months or years: a topic more than one event).

Articles are made from the records by the project's own reader and cleaner, as the pipeline
would. The baseline is shown at one fixed threshold and at the threshold that is best for that
data set (an oracle, so a stronger bar than any fixed setting). An ablation row shows ours with
the time decay switched off: TAC clusters follow a story over months, which the decay splits.

Speed: `group()` on a synthetic corpus of N articles, every ECB+ and TAC article repeated with
a paragraph dropped and dates spread over three years (a tenth undated); each N runs in its own
process so the peak memory (`ru_maxrss`) is its own.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from digest import events  # noqa: E402
from digest.clean import clean  # noqa: E402
from digest.events import neighbours  # noqa: E402
from digest.models import Article  # noqa: E402
from digest.read import article_from_record  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
ECB = Path("ecbplus") / "clustering.jsonl"
TAC = Path("tac2011-multiling") / "mds_all_languages.jsonl"
BASELINE_THRESHOLD = 0.2  # cosine; a common rule of thumb for "same story" with TF-IDF
BASELINE_GRID = tuple(round(0.02 * step, 2) for step in range(2, 26))  # 0.04 .. 0.5, for the oracle
SIZES = (10_000, 50_000)
UNDATED_SHARE = 0.1
SPREAD_DAYS = 3 * 365


def bcubed(pred: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a predicted clustering over the items of `gold`.

    Per item: precision is the share of its predicted cluster that shares its gold cluster,
    recall the share of its gold cluster that shares its predicted cluster; both are averaged
    over items. Every item of `gold` must have a predicted cluster.
    """
    if not gold:
        raise ValueError("no gold items")
    missing = set(gold) - set(pred)
    if missing:
        raise ValueError(f"{len(missing)} gold items have no predicted cluster, e.g. {min(missing)!r}")
    pred_size = Counter(pred[item] for item in gold)
    gold_size = Counter(gold.values())
    both = Counter((pred[item], gold[item]) for item in gold)
    precision = sum(both[pred[i], gold[i]] / pred_size[pred[i]] for i in gold) / len(gold)
    recall = sum(both[pred[i], gold[i]] / gold_size[gold[i]] for i in gold) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# ---------------------------------------------------------------------------------------------
# Data sets: clean Articles and their gold event
# ---------------------------------------------------------------------------------------------


def ecb_articles(data_dir: Path = DATA) -> tuple[list[Article], dict[str, str]]:
    """ECB+ documents as clean Articles, and the gold cluster of each article id."""
    records = [json.loads(line) for line in (data_dir / ECB).read_text(encoding="utf-8").splitlines()]
    return _articles(records, [r["cluster"] for r in records])


def tac_articles(data_dir: Path = DATA) -> tuple[list[Article], dict[str, str]]:
    """TAC 2011 MultiLing articles (all languages) and their cluster id as gold event."""
    records, gold = [], []
    for line in (data_dir / TAC).read_text(encoding="utf-8").splitlines():
        cluster = json.loads(line)
        for record in cluster["articles"]:
            records.append({**record, "language": cluster["language"]})
            gold.append(cluster["id"])
    return _articles(records, gold)


def _articles(records: Sequence[dict], gold: Sequence[str]) -> tuple[list[Article], dict[str, str]]:
    raw = [article_from_record(record) for record in records]
    cleaned, _ = clean(raw)
    labels = {article.id: label for article, label in zip(raw, gold)}
    return cleaned, {article.id: labels[article.id] for article in cleaned}


# ---------------------------------------------------------------------------------------------
# Systems
# ---------------------------------------------------------------------------------------------


def ours(articles: Sequence[Article]) -> dict[str, str]:
    return {aid: event.id for event in events.group(articles) for aid in event.article_ids}


@contextmanager
def no_time_decay():
    """An ablation: articles any time apart compare at full similarity (half-life = infinity)."""
    saved = neighbours.DECAY_HALF_LIFE_DAYS
    neighbours.DECAY_HALF_LIFE_DAYS = math.inf
    try:
        yield
    finally:
        neighbours.DECAY_HALF_LIFE_DAYS = saved


def baseline_tree(articles: Sequence[Article]) -> np.ndarray:
    """Average-link tree over plain TF-IDF cosine distances of title + text (all pairs)."""
    texts = [f"{a.title}\n{a.text}" for a in articles]
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, None)
    np.fill_diagonal(distances, 0.0)
    return linkage(squareform(distances, checks=False), method="average")


def baseline(articles: Sequence[Article], tree: np.ndarray, threshold: float) -> dict[str, str]:
    flat = fcluster(tree, t=1.0 - threshold, criterion="distance")
    return {a.id: str(label) for a, label in zip(articles, flat)}


def _row(system: str, dataset: str, pred: Mapping[str, str], gold: Mapping[str, str]) -> dict:
    precision, recall, f1 = bcubed(pred, gold)
    return {
        "system": system, "dataset": dataset, "precision": round(100 * precision, 1),
        "recall": round(100 * recall, 1), "f1": round(100 * f1, 1), "clusters": len(set(pred.values())),
    }


def rows(data_dir: Path = DATA) -> list[dict]:
    """B-cubed rows (percent) for ours and the baseline on ECB+ and TAC 2011 (all languages)."""
    table: list[dict] = []
    for name, load in (("ECB+", ecb_articles), ("TAC 2011 (7 languages)", tac_articles)):
        articles, gold = load(data_dir)
        table.append(_row("ours (defaults)", name, ours(articles), gold))
        with no_time_decay():
            table.append(_row("ours without time decay (ablation)", name, ours(articles), gold))
        tree = baseline_tree(articles)
        fixed = f"TF-IDF average-link (cosine {BASELINE_THRESHOLD})"
        table.append(_row(fixed, name, baseline(articles, tree, BASELINE_THRESHOLD), gold))
        best = max(
            (_row(f"TF-IDF average-link (oracle cosine {t})", name, baseline(articles, tree, t), gold)
             for t in BASELINE_GRID),
            key=lambda row: row["f1"],
        )
        table.append(best)
        table.append({"system": "gold", "dataset": name, "precision": 100.0, "recall": 100.0, "f1": 100.0,
                      "clusters": len(set(gold.values()))})
    return table


def markdown(table: Iterable[dict]) -> str:
    lines = ["| system | dataset | B³ precision | B³ recall | B³ F1 | clusters |", "|---|---|---:|---:|---:|---:|"]
    for r in table:
        scores = f"{r['precision']:.1f} | {r['recall']:.1f} | {r['f1']:.1f}"
        lines.append(f"| {r['system']} | {r['dataset']} | {scores} | {r['clusters']} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Speed on a synthetic corpus
# ---------------------------------------------------------------------------------------------


def synthetic(n: int, data_dir: Path = DATA, seed: int = 0) -> list[Article]:
    """`n` articles: the real ones repeated, one paragraph dropped per copy, each copy of a gold
    event moved to its own random date (articles within three days of it), a tenth undated."""
    sources: list[tuple[Article, str]] = []
    for load in (ecb_articles, tac_articles):
        articles, gold = load(data_dir)
        sources += [(a, gold[a.id]) for a in articles]
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    event_day: dict[tuple[str, int], date] = {}
    made: list[Article] = []
    for index in range(n):
        article, event = sources[index % len(sources)]
        generation = index // len(sources)
        day = event_day.setdefault((event, generation), start + timedelta(days=rng.randrange(SPREAD_DAYS)))
        paragraphs = list(article.paragraphs)
        if len(paragraphs) > 2:
            del paragraphs[rng.randrange(len(paragraphs))]
        dated = rng.random() >= UNDATED_SHARE
        made.append(replace(
            article, id=f"{article.id}-g{generation}", paragraphs=tuple(paragraphs),
            date=(day + timedelta(days=rng.randrange(4))).isoformat() if dated else None,
        ))
    return made


def time_group(n: int, data_dir: Path = DATA) -> dict:
    """Seconds and peak memory of `group()` on `synthetic(n)`, measured in this process."""
    articles = synthetic(n, data_dir)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    found = events.group(articles)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"articles": n, "events": len(found), "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "peak_rss_mb": round(peak / 1024), "rss_before_mb": round(before / 1024)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--time-one", type=int, help=argparse.SUPPRESS)  # the child process of a timing
    args = parser.parse_args(argv)
    if args.time_one:
        print(json.dumps(time_group(args.time_one, args.data)))
        return
    if not (args.data / ECB).is_file():
        sys.exit(f"evaluation data not found: {args.data / ECB}")
    print(markdown(rows(args.data)))
    print()
    print("| articles | events | wall seconds | CPU seconds | peak RSS (MB) | RSS before group() (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--data", str(args.data), "--time-one", str(n)],
            check=True, capture_output=True, text=True,
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"| {r['articles']:,} | {r['events']:,} | {r['seconds']} | {r['cpu_seconds']} "
            f"| {r['peak_rss_mb']} | {r['rss_before_mb']} |"
        )


if __name__ == "__main__":
    main()
