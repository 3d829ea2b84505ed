"""The pipeline as a whole: same input, same output; the cache reuses only what is unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEEDS

from digest import cache, pipeline


def copy_seeds(target: Path, order: list[Path]) -> Path:
    target.mkdir()
    for path in order:
        shutil.copyfile(path, target / path.name)
    return target


def test_seeds_make_one_briefing_of_five_articles():
    result = pipeline.run(SEEDS)
    assert len(result.corpus.articles) == 5
    assert [len(e.article_ids) for e in result.events] == [5]
    (briefing,) = result.briefings
    assert briefing.points and set(briefing.article_ids) == {a.id for a in result.corpus.articles}


def test_file_order_on_disk_does_not_change_the_result(tmp_path):
    files = sorted(SEEDS.iterdir())
    a = pipeline.run(copy_seeds(tmp_path / "a", files))
    b = pipeline.run(copy_seeds(tmp_path / "b", files[::-1]))
    assert a.briefings == b.briefings and a.events == b.events


def test_cache_gives_the_same_result_and_sees_an_edit(tmp_path):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    cold = pipeline.run(seeds)
    first = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    warm = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert cold.briefings == first.briefings == warm.briefings

    victim = sorted(seeds.iterdir())[0]
    victim.write_text(victim.read_text(encoding="utf-8").replace("Biden", "Bidden"), encoding="utf-8")
    edited = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert edited.corpus.articles != warm.corpus.articles
    assert edited.briefings == pipeline.run(seeds).briefings


def test_cache_key_depends_on_the_code_version(monkeypatch):
    before = cache.key("file", "a.txt", b"same bytes")
    monkeypatch.setattr(cache, "CODE_VERSION", "another-version")
    assert cache.key("file", "a.txt", b"same bytes") != before


def test_cache_keeps_only_live_entries(tmp_path):
    store = cache.Cache(tmp_path / "c.sqlite")
    store.put_many("ns", {"a": 1, "b": (2, "x")})
    assert store.get_many("ns", ["a", "b", "c"]) == {"a": 1, "b": (2, "x")}
    store.keep_only("ns", ["b"])
    assert store.get_many("ns", ["a", "b"]) == {"b": (2, "x")}
    store.close()
    assert cache.Cache(None).get_many("ns", ["b"]) == {}
