"""The diagnosis benchmark of summary quality (bench/headroom.py): its weighting hook and oracle."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `bench` is a folder of scripts, not an installed package

import digest.summarize as summarize_module  # noqa: E402
from bench import headroom, quality  # noqa: E402
from digest.models import Article  # noqa: E402

LEDE = "The storm flooded the coastal town of Marden and cut power to thousands of homes on Sunday."
DETAIL = "A zeppelin museum near the harbour lost its roof when the storm reached Marden late at night."


def _cluster(references: tuple[str, ...] = ("The storm flooded Marden.",)) -> quality.Cluster:
    articles = tuple(
        Article(
            id=f"a{k}",
            title=f"Storm in Marden {k}",
            paragraphs=(
                LEDE if k else "Flooding hit the coastal town of Marden after the storm, officials said on Sunday.",
                "Officials said the storm flooded the town and cut power to homes in Marden.",
                DETAIL if k == 2 else f"Residents of Marden cleared the streets on day {k} after the flood.",
            ),
        )
        for k in range(3)
    )
    return quality.Cluster("c", "en", articles, references)


def _only_zeppelin(said, told, articles, pairs):
    return np.array([100.0 if "zeppelin" in pair else 0.0 for pair in pairs])  # past any bonus


def test_weighing_steers_the_choice_and_restores_the_summariser():
    cluster = _cluster()
    sents = quality.split_all(cluster.articles)
    before = {name: getattr(summarize_module, name) for name in ("Numbers", "concept_sets", "concept_weights")}
    assert DETAIL not in quality.Ours()(cluster, sents, 20)  # a detail one article tells
    with headroom.weighing(_only_zeppelin):
        assert quality.Ours()(cluster, sents, 20) == [DETAIL]
    assert {name: getattr(summarize_module, name) for name in before} == before
    with pytest.raises(RuntimeError), headroom.weighing(_only_zeppelin):
        raise RuntimeError("a failing system")
    assert {name: getattr(summarize_module, name) for name in before} == before


def test_reference_weights_choose_what_the_references_say():
    cluster = _cluster(references=(DETAIL,))
    chosen = headroom.ReferenceWeights()(cluster, quality.split_all(cluster.articles), 20)
    assert chosen == [DETAIL]


def test_oracle_takes_the_reference_sentence_first_and_keeps_to_the_budget():
    cluster = _cluster(references=(DETAIL, DETAIL + " " + LEDE))
    sents = quality.split_all(cluster.articles)
    chosen = headroom.oracle(cluster, sents, 40)
    assert chosen[0] == DETAIL
    assert sum(len(t.split()) for t in chosen) <= 40
    assert all(len(t.split()) >= headroom.ORACLE_LEAST for t in chosen)
    assert len(chosen) == len(set(chosen))
    # nothing that scores is left out while it fits: the oracle stops only when no sentence helps
    assert LEDE in chosen


def test_concept_features_say_how_often_early_and_where_a_concept_is_told():
    features = headroom.concept_features(_cluster())
    names = dict(zip(headroom.FEATURES, features[("coastal", "town")]))
    assert names["articles mentioning (log)"] == pytest.approx(math.log1p(3))
    assert names["ledes stating"] == 3 and names["first position (log)"] == 0.0
    detail = dict(zip(headroom.FEATURES, features[("zeppelin", "museum")]))
    assert detail["articles mentioning (log)"] == pytest.approx(math.log1p(1)) and detail["ledes stating"] == 0
    assert detail["first position (log)"] == pytest.approx(math.log1p(2))
    assert detail["in the last article"] and not detail["in the first article"]
    assert dict(zip(headroom.FEATURES, features[("in", "marden")]))["in a headline"]


def test_fitted_model_ranks_what_the_references_hold_higher():
    cluster = _cluster(references=(LEDE, LEDE))
    model = headroom.fit([cluster], headroom.TWO_FEATURES)
    features = headroom.concept_features(cluster)
    told, detail = ([features[p][k] for k in headroom.TWO_FEATURES] for p in [("coastal", "town"), ("zeppelin", "museum")])
    assert model.predict_proba([told])[0, 1] > model.predict_proba([detail])[0, 1]
