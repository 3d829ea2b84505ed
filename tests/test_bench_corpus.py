"""The synthetic corpus of the scale benchmark: deterministic, readable, events with wire copies."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import frontmatter
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # `bench` is a folder of scripts, not an installed package

from bench import corpus  # noqa: E402

N = 50
RECORD_KEYS = {"id", "title", "text", "date", "source", "url", "language"}
URL = re.compile(r"https://[a-z0-9.-]+\.[a-z]+/(\d{4})/(\d{2})/(\d{2})/[a-z0-9-]+/")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def made(tmp_path_factory, shared_data) -> tuple[Path, dict, list[dict]]:
    folder = tmp_path_factory.mktemp("corpus")
    labels = folder.parent / f"{folder.name}-labels.jsonl"
    stats = corpus.make_corpus(folder, N, seed=7, data=shared_data, labels=labels)
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    return folder, stats, rows


def test_same_seed_same_bytes_other_seed_other_corpus(made, tmp_path, shared_data):
    folder, stats, _ = made
    again = corpus.make_corpus(tmp_path / "again", N, seed=7, data=shared_data)
    other = corpus.make_corpus(tmp_path / "other", N, seed=8, data=shared_data)
    assert again == stats
    assert _tree(tmp_path / "again") == _tree(folder)
    assert _tree(tmp_path / "other") != _tree(folder)
    assert other["articles"] == N


def test_stats_count_what_was_written(made):
    folder, stats, rows = made
    tree = _tree(folder)
    assert stats["articles"] == N == len(rows) == sum(stats["formats"].values())
    assert stats["files"] == len(tree)
    assert stats["bytes"] == sum(len(data) for data in tree.values())
    assert stats["events"] == len({row["event"] for row in rows})


def test_every_file_parses_in_its_format(made):
    folder, _, rows = made
    articles = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".txt":
            title, day, url, blank, *_ = text.split("\n")
            assert title.strip() and not blank
            assert re.fullmatch(r"2022\d{4}|2023\d{4}", day)
            assert "".join(URL.fullmatch(url).groups()) == day
            articles += 1
        elif path.suffix == ".md":
            page = frontmatter.loads(text)
            assert {"title", "date", "source", "url", "language"} <= set(page.metadata)
            assert URL.fullmatch(page["url"]) and page.content.strip()
            articles += 1
        else:
            assert path.suffix == ".jsonl"
            for line in text.splitlines():
                record = json.loads(line)
                assert set(record) == RECORD_KEYS and record["text"].strip()
                articles += 1
    assert articles == N


def test_events_hold_several_articles_and_wire_copies_recur(made):
    folder, _, rows = made
    sizes = Counter(row["event"] for row in rows)
    assert len(sizes) >= 2 and max(sizes.values()) >= 3
    # A wire copy shares its lead paragraph with the original: some lead appears in 2+ files.
    leads = Counter()
    for path in folder.rglob("*.txt"):
        leads[path.read_text(encoding="utf-8").split("\n\n")[1]] += 1
    assert max(leads.values()) >= 2


def test_every_outlet_signs_its_articles_with_its_own_footer(made):
    folder, _, _ = made
    for path in folder.rglob("*.txt"):
        text = path.read_text(encoding="utf-8")
        outlet = next(o for o in corpus.OUTLETS if f"https://{o.domain}/" in text)
        assert text.rstrip().endswith(outlet.footer[-1].replace("{year}", path.stem.split("-")[2][:4]))


def test_later_generations_rename_and_renumber_the_same_story(shared_data):
    sources = corpus.load_sources(shared_data)
    pools = corpus._cached_pools(shared_data.resolve())
    event = next(e for e in sources if e.language == "en")
    text = " ".join(event.docs[0].paragraphs)
    first, second = (corpus.Generation(g, 0, pools).apply(text, "en") for g in (1, 2))
    assert corpus.Generation(0, 0, pools).apply(text, "en") == text
    assert first != text and second != text and first != second
    assert len(first.split()) == len(text.split())  # names swapped one for one, nothing lost


def test_add_article_writes_one_new_file(made, tmp_path, shared_data):
    folder, _, _ = made
    copy = tmp_path / "corpus"
    for name, data in _tree(folder).items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(data)
    before = _tree(copy)
    added = corpus.add_article(copy, seed=1, data=shared_data)
    after = _tree(copy)
    assert set(after) - set(before) == {added.relative_to(copy).as_posix()}
    assert all(after[name] == data for name, data in before.items())
    assert corpus.add_article(copy, seed=2, data=shared_data) != added


def test_the_reader_takes_every_article(made):
    pipeline = pytest.importorskip("digest.pipeline", reason="the pipeline's stages are not all there yet", exc_type=ImportError)

    folder, _, _ = made
    loaded = pipeline.load(folder)
    assert [n for n in loaded.notices if n.skipped] == []
    assert len(loaded.articles) == N
    assert all(a.date and a.date.startswith(("2022", "2023")) for a in loaded.articles)
