"""The `digest` command line, run as a user would: a subprocess on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS


def digest(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "digest.cli", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300,
    )


def seed_records() -> list[dict]:
    """The five seeds as `digest cluster` input: the whole file as the text, no title given."""
    return [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]


def test_help_explains_every_command_and_option():
    top = digest("--help")
    assert top.returncode == 0
    for command in ("build", "cluster", "summarize"):
        assert command in top.stdout
    build = digest("build", "--help").stdout
    for option in ("--seeds", "--out", "--words", "--strict", "--templates", "--cache"):
        assert option in build
    assert "--words" in digest("summarize", "--help").stdout
    assert "--output" in digest("cluster", "--help").stdout


def test_every_line_written_to_a_pipe_arrives_before_the_program_ends():
    """The program ends without Python's clean-up (`cli.run`): what it buffered still arrives."""
    records = [{"id": f"r{i}", "title": f"Storm {i} hits town {i}", "text": f"Storm {i} hit town {i} on Monday."} for i in range(2000)]
    done = digest("cluster", "-", stdin="\n".join(json.dumps(r) for r in records))
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [r["id"] for r in records]


def test_strict_exit_status_comes_through(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "empty.txt").write_text("", encoding="utf-8")
    (seeds / "story.txt").write_text("Storm hits town\n2022-01-03\n\nA storm hit the town on Monday.\n", encoding="utf-8")
    args = ("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--no-cache")
    assert digest(*args).returncode == 0
    assert digest(*args, "--strict").returncode == 1


def test_cluster_puts_the_seeds_in_one_event_and_keeps_ids_and_order(tmp_path):
    records = seed_records()
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "clusters.jsonl"
    done = digest("cluster", str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    assert len({r["cluster"] for r in rows}) == 1


def test_cluster_reports_a_bad_line_and_goes_on(tmp_path):
    records = seed_records()[:2]
    lines = [json.dumps(records[0]), "{not json", json.dumps({"id": "empty", "text": "   "}), json.dumps(records[1])]
    done = digest("cluster", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    assert "2" in done.stderr and "not JSON" in done.stderr
    assert "empty" in done.stderr  # the record without text is named, not dropped silently
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in rows] == [records[0]["id"], "empty", records[1]["id"]]


def test_summarize_quotes_and_cites_within_the_budget(tmp_path):
    records = seed_records()
    event = {"id": "seeds", "articles": records}
    done = digest("summarize", "-", "--words", "120", stdin=json.dumps(event) + "\n")
    assert done.returncode == 0, done.stderr
    (briefing,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert briefing["id"] == "seeds" and briefing["title"]
    assert sum(len(p["text"].split()) for p in briefing["summary"]) <= 120
    texts = {r["id"]: " ".join(r["text"].split()) for r in records}
    for point in briefing["summary"]:
        assert point["sources"], point
        assert set(point["sources"]) <= set(texts)
        assert any(" ".join(point["text"].split()) in texts[s] for s in point["sources"])


@pytest.mark.data
def test_summarize_tac_english_gives_one_briefing_per_cluster(shared_data, tmp_path):
    source = shared_data / "tac2011-multiling" / "mds_english.jsonl"
    out = tmp_path / "summaries.jsonl"
    done = digest("summarize", str(source), "--words", "250", "-o", str(out))
    assert done.returncode == 0, done.stderr
    clusters = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    briefings = [json.loads(line) for line in out.read_text().splitlines()]
    assert [b["id"] for b in briefings] == [c["id"] for c in clusters]
    for cluster, briefing in zip(clusters, briefings):
        ids = {a["id"] for a in cluster["articles"]}
        assert briefing["summary"] and sum(len(p["text"].split()) for p in briefing["summary"]) <= 250
        assert all(set(p["sources"]) <= ids for p in briefing["summary"])


@pytest.mark.data
def test_cluster_ecbplus_labels_every_document(shared_data, tmp_path):
    source = shared_data / "ecbplus" / "clustering.jsonl"
    out = tmp_path / "clusters.jsonl"
    done = digest("cluster", str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    ids = [json.loads(line)["id"] for line in source.read_text(encoding="utf-8").splitlines()]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ids
    assert 20 < len({r["cluster"] for r in rows}) < len(ids)


def test_build_writes_pages_and_strict_fails_on_a_bad_file(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEEDS.iterdir():
        (seeds / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "docs"
    done = digest("build", "--seeds", str(seeds), "--out", str(out), "--cache", str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr
    assert list((out / "briefings").glob("*.md"))
    assert len(list((out / "articles").glob("*.md"))) == 5

    (seeds / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    lenient = digest("build", "--seeds", str(seeds), "--out", str(out), "--no-cache")
    assert lenient.returncode == 0 and "broken.png" in lenient.stderr
    strict = digest("build", "--seeds", str(seeds), "--out", str(out), "--no-cache", "--strict")
    assert strict.returncode == 1 and "broken.png" in strict.stderr
