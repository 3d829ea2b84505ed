"""The pipeline as a whole: same input, same output; the cache reuses only what is unchanged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

from digest import cache, events, pages, pipeline, sentences
from digest.events import features


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


def _count_reads(monkeypatch) -> list[str]:
    read_files: list[str] = []
    file_key = pipeline._file_key
    monkeypatch.setattr(pipeline, "_file_key", lambda path, rel: read_files.append(rel) or file_key(path, rel))
    return read_files


def test_a_rebuild_reads_only_files_whose_status_changed_and_sees_an_edit_that_hides(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    monkeypatch.setattr(pipeline, "SETTLED_NS", 0)  # every file counts as settled: none was just written
    pipeline.run(seeds, cache_dir=tmp_path / "cache")
    read_files = _count_reads(monkeypatch)
    warm = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert read_files == []

    # The same size and the modification time set back: only the change time tells.
    victim = sorted(seeds.iterdir())[0]
    before = victim.stat()
    text = victim.read_text(encoding="utf-8")
    assert "Biden" in text
    victim.write_text(text.replace("Biden", "Bidxn"), encoding="utf-8")
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert victim.stat().st_size == before.st_size and victim.stat().st_mtime_ns == before.st_mtime_ns
    edited = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert read_files == [victim.name]
    assert edited.corpus.articles != warm.corpus.articles
    assert edited.briefings == pipeline.run(seeds).briefings


def test_files_changed_just_before_a_build_are_read_again_by_the_next(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    monkeypatch.setattr(pipeline, "SETTLED_NS", 3600 * 10**9)  # an hour: every file here is too new to trust its status
    pipeline.run(seeds, cache_dir=tmp_path / "cache")
    read_files = _count_reads(monkeypatch)
    pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert sorted(read_files) == sorted(p.name for p in seeds.iterdir())


def test_a_file_name_that_is_not_utf8_is_recorded_and_known_again(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    source = sorted(SEEDS.iterdir())[0]
    (seeds / os.fsdecode(b"caf\xe9.txt")).write_bytes(source.read_bytes())  # Latin-1 bytes in the name
    monkeypatch.setattr(pipeline, "SETTLED_NS", 0)
    first = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    read_files = _count_reads(monkeypatch)
    again = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert read_files == [] and again.briefings == first.briefings
    assert len(first.corpus.articles) == 6


def test_a_rebuild_starts_no_worker_it_does_not_need(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    monkeypatch.setattr(pipeline, "_POOL_THRESHOLD", 1)  # the seeds count as a large corpus
    started: list[bool] = []
    pool = pipeline._pool
    monkeypatch.setattr(pipeline, "_pool", lambda: started.append(True) or pool())
    pipeline.release_pool()
    cold = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert started  # a first build starts the workers
    pipeline.release_pool()
    started.clear()
    warm = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert started == [] and warm.briefings == cold.briefings  # everything came from the cache


def test_a_rebuild_that_finds_every_event_in_the_cache_does_not_import_scipy(tmp_path):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    code = (
        "import sys; from pathlib import Path; from digest import pipeline; "
        f"pipeline.build(Path({str(seeds)!r}), Path({str(tmp_path / 'out')!r}), cache_dir=Path({str(tmp_path / 'cache')!r})); "
        "print('scipy.sparse' in sys.modules)"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]  # the first build groups and summarises; the rebuild unpickles


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


def test_cache_puts_are_read_back_in_order_and_survive_close(tmp_path):
    store = cache.Cache(tmp_path / "c.sqlite")
    for round in range(3):  # each put replaces the last, each keep_only runs after the put before it
        store.put_many("pages", {f"p{i}": f"text {round}" for i in range(500)})
        store.keep_only("pages", [f"p{i}" for i in range(round, 500)])
    assert store.get_all("pages") == {f"p{i}": "text 2" for i in range(2, 500)}
    store.put_many("other", {"x": b"bytes"})
    store.close()
    again = cache.Cache(tmp_path / "c.sqlite")
    assert again.get_many("other", ["x"]) == {"x": b"bytes"} and len(again.get_all("pages")) == 498
    again.close()


def test_cache_puts_put_off_are_written_at_flush_or_close(tmp_path):
    store = cache.Cache(tmp_path / "c.sqlite")
    store.put_later("ns", {"a": 1})
    store.keep_only("ns", ["a"])  # a put off entry is not forgotten by a keep_only before it lands
    assert store.get_many("ns", ["a"]) == {}
    store.flush()
    assert store.get_many("ns", ["a"]) == {"a": 1}
    store.put_later("ns", {"b": 2})
    store.close()
    again = cache.Cache(tmp_path / "c.sqlite")
    assert again.get_all("ns") == {"a": 1, "b": 2}
    again.close()


def test_a_cache_file_that_is_no_store_is_reported_and_started_again(tmp_path, capsys):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"left here by something else " * 200)
    store = cache.Cache(path)
    assert store.get_all("ns") == {}
    store.put_many("ns", {"a": 1})
    store.close()
    assert f"{path}: rebuild cache unreadable (file is not a database)" in capsys.readouterr().err
    again = cache.Cache(path)
    assert again.get_all("ns") == {"a": 1}
    again.close()


def test_a_cache_damaged_inside_misses_and_is_started_again(tmp_path, capsys):
    """A file whose pages were half written (a power loss: the cache does not sync) reads as
    empty where the damage is met, and is a working store again from then on."""
    path = tmp_path / "c.sqlite"
    store = cache.Cache(path)
    store.put_many("pages", {f"p{i}": "text " * 2000 for i in range(200)})
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : len(data) - page] = bytes(len(data) - 3 * page)  # every page but the first and the last zeroed
    path.write_bytes(bytes(data))
    store = cache.Cache(path)
    assert capsys.readouterr().err == ""  # the header still reads: the damage is met later
    assert store.get_all("pages") == {}
    assert "rebuild cache unreadable (database disk image is malformed)" in capsys.readouterr().err
    store.put_many("pages", {"p0": "again"})
    store.close()
    again = cache.Cache(path)
    assert again.get_all("pages") == {"p0": "again"}
    again.close()


def test_a_build_with_a_damaged_cache_equals_a_cold_build(tmp_path, capsys):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "cache.sqlite").write_bytes(b"\x00garbage" * 1000)
    pipeline.build(seeds, tmp_path / "warm", cache_dir=tmp_path / "cache")
    assert "rebuild cache unreadable" in capsys.readouterr().err
    pipeline.build(seeds, tmp_path / "cold")
    assert _tree(tmp_path / "warm") == _tree(tmp_path / "cold")


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _write_story(folder: Path, name: str, outlet: str, title: str, body: str) -> None:
    (folder / name).write_text(f"---\ntitle: {title}\ndate: 2022-02-0{len(name) % 9 + 1}\nsource: {outlet}\n---\n\n{body}\n", encoding="utf-8")


def test_a_cached_rebuild_writes_what_a_cold_build_writes_and_only_that(tmp_path):
    """Edits, a new file and a deleted one: the cached build equals a cold build, byte for
    byte, and rewrites only the pages whose content changed."""
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    _write_story(seeds, "quake.md", "Wire", "Earthquake shakes coastal town", "A strong earthquake shook the coastal town of Ayvalik on Tuesday, damaging old houses. Rescue teams searched the rubble through the night.")
    _write_story(seeds, "match.md", "Sports Daily", "Local club wins the cup final", "The local club won the cup final on Sunday after a penalty shoot-out. Fans celebrated in the main square until dawn.")
    cache_dir, warm_out = tmp_path / "cache", tmp_path / "warm"
    pipeline.build(seeds, warm_out, cache_dir=cache_dir)
    before = {p: (warm_out / p).stat().st_mtime_ns for p in _tree(warm_out)}

    victim = sorted(seeds.glob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8").replace("Biden", "Bidden"), encoding="utf-8")
    (seeds / "match.md").unlink()
    _write_story(seeds, "storm.md", "Wire", "Storm floods river valley", "Heavy rain flooded the river valley on Wednesday and cut off three villages. The army sent boats to carry people out.")
    report = pipeline.build(seeds, warm_out, cache_dir=cache_dir)
    pipeline.build(seeds, tmp_path / "cold")

    warm, cold = _tree(warm_out), _tree(tmp_path / "cold")
    assert warm == cold
    untouched = {p for p in before.keys() & warm.keys() if (warm_out / p).stat().st_mtime_ns == before[p]}
    assert report.written == len(warm) - 1 - len(untouched)  # all but the manifest and the untouched
    quake = next(p for p in warm if p.startswith("briefings/") and "earthquake" in p)
    assert quake in untouched  # an event no edit reached keeps its page as it was


def test_a_rebuild_plans_the_pages_of_changed_briefings_only_and_all_after_a_template_edit(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    _write_story(seeds, "quake.md", "Wire", "Earthquake shakes coastal town", "A strong earthquake shook the coastal town of Ayvalik on Tuesday, damaging old houses. Rescue teams searched the rubble through the night.")
    templates = tmp_path / "templates"
    templates.mkdir()
    cache_dir = tmp_path / "cache"
    pipeline.build(seeds, tmp_path / "out", templates=templates, cache_dir=cache_dir)
    planned: list[str] = []
    event_pages = pages.event_pages
    monkeypatch.setattr(pages, "event_pages", lambda briefing, *a: planned.append(briefing.title) or event_pages(briefing, *a))

    _write_story(seeds, "storm.md", "Wire", "Storm floods river valley", "Heavy rain flooded the river valley on Wednesday and cut off three villages. The army sent boats to carry people out.")
    pipeline.build(seeds, tmp_path / "out", templates=templates, cache_dir=cache_dir)
    assert len(planned) == 1 and "flood" in planned[0].lower()  # the new event's pages only

    planned.clear()
    (templates / "article.md.j2").write_text("{{ article.title }}\n", encoding="utf-8")
    pipeline.build(seeds, tmp_path / "out", templates=templates, cache_dir=cache_dir)
    assert len(planned) == 3  # every briefing's pages again
    pipeline.build(seeds, tmp_path / "cold", templates=templates)
    assert _tree(tmp_path / "out") == _tree(tmp_path / "cold")


def test_a_rebuild_reads_the_sentences_and_terms_of_changed_events_only(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    stories = {
        "harbour": ("Rotterdam opens deep-water harbour terminal", "Rotterdam opened a deep-water container terminal at its harbour on Monday, port authorities said. Cranes unloaded the first freighter within hours."),
        "chess": ("Norwegian grandmaster wins blitz chess title", "A Norwegian grandmaster won the world blitz chess championship in Samarkand after a tiebreak. He lost only one game in two days."),
        "flu": ("Flu season strains Ontario hospitals", "Hospitals across Ontario postponed surgeries as influenza admissions doubled in a week, health officials said."),
        "rover": ("Rover finds ancient lakebed minerals on Mars", "NASA's rover detected clay minerals in Jezero crater that formed in standing water billions of years ago, scientists reported."),
    }
    for name, (title, body) in stories.items():
        _write_story(seeds, f"{name}.md", "Gazette", title, body)
    cold = pipeline.build(seeds, tmp_path / "out", cache_dir=tmp_path / "cache")
    read: list[str] = []
    get_many = cache.Cache.get_many

    def counting(self, ns, keys):
        keys = list(keys)
        if ns == "prepared":
            read.extend(keys)
        return get_many(self, ns, keys)

    monkeypatch.setattr(cache.Cache, "get_many", counting)
    _write_story(seeds, "harbour-2.md", "Courier", "Rotterdam harbour opens deep-water terminal", "Port authorities in Rotterdam opened a deep-water container terminal at the harbour on Monday. The first freighter was unloaded within hours.")
    warm = pipeline.build(seeds, tmp_path / "out", cache_dir=tmp_path / "cache")
    sizes = sorted(len(e.article_ids) for e in warm.result.events)
    assert sizes == [1, 1, 1, 2, 5], sizes  # the two harbour stories share an event
    # the new article is prepared in this build; of the cached ones, only the harbour event's other
    # article is read (to summarise it and render its pages), not the seeds' or the other stories'
    assert len(read) == 1, read
    assert len(cold.result.corpus.articles) + 1 == len(warm.result.corpus.articles)


def test_articles_the_corpus_rules_change_are_split_again(tmp_path):
    """An outlet's recurring paragraph is cut from all its articles after the per-file work
    was done and cached; their sentences and terms must follow the cut text."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    plug = "Subscribe to our newsletter for the best stories of the week, delivered every Friday morning."
    topics = ["harbour", "bridge", "library", "stadium", "hospital", "airport"]
    for n, topic in enumerate(topics):
        _write_story(seeds, f"{topic}.md", "Gazette", f"City opens new {topic}", f"The city opened its new {topic} on Monday after years of work. Officials said it would serve thousands of residents.\n\n{plug}")
    for cache_dir in (None, tmp_path / "cache", tmp_path / "cache"):
        result = pipeline.run(seeds, cache_dir=cache_dir)
        for article in result.corpus.articles:
            assert plug not in article.text
            assert result.sentences[article.id] == sentences.split(article)
            assert _same_terms(result.corpus.terms[article.id], features.terms(article))


def _same_terms(a, b) -> bool:
    return all((getattr(a, f) == getattr(b, f)).all() for f in ("words", "word_weights", "names", "name_weights"))


def test_the_worker_pool_keeps_the_order_of_the_jobs():
    """Enough jobs to start the pool (its workers come from a fork server): results in input order."""
    jobs = ["x" * (n * 7 % 31) for n in range(pipeline._POOL_THRESHOLD + 50)]
    assert pipeline._map(len, jobs, False, "test") == [len(job) for job in jobs]



def test_pages_rendered_as_the_pool_summarises_are_the_pages_of_the_whole_result(tmp_path, monkeypatch):
    """`run_and_render` has the workers render each briefing's pages as they summarise it (a
    pool even for these few files here): the pages `pages.render` makes of the result, and
    none of them rendered in this process."""
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    _write_story(seeds, "quake.md", "Wire", "Earthquake shakes coastal town", "A strong earthquake shook the coastal town of Ayvalik on Tuesday, damaging old houses. Rescue teams searched the rubble through the night.")
    _write_story(seeds, "match.md", "Sports Daily", "Local club wins the cup final", "The local club won the cup final on Sunday after a penalty shoot-out. Fans celebrated in the main square until dawn.")
    monkeypatch.setattr(pipeline, "_POOL_THRESHOLD", 2)
    here: list[str] = []  # the workers fork from a server that has not seen this patch
    event_pages = pages.event_pages
    monkeypatch.setattr(pages, "event_pages", lambda briefing, *rest: here.append(briefing.event_id) or event_pages(briefing, *rest))
    pipeline.release_pool()
    result, rendered = pipeline.run_and_render(seeds)
    assert len(result.briefings) > 1 and here == []
    monkeypatch.undo()
    assert rendered == pages.render(result)


def _preloaded(_) -> tuple[bool, bool]:
    """(whether this worker has the stop words loaded, whether py3langid's model)."""
    from py3langid import langid

    from digest import text

    return text.stop_words.cache_info().currsize > 0, langid.IDENTIFIER is not None


def test_workers_inherit_what_the_fork_server_preloads_which_the_command_line_does_not_load():
    """The fork server loads the stop words once (`digest.preload`), and py3langid's model only
    where it decides most texts (without pycld2); importing the pipeline loads neither."""
    from digest import languages

    pipeline.release_pool()  # fresh workers: none has met an article yet
    found = pipeline._map(_preloaded, range(pipeline._POOL_THRESHOLD), False, "test")
    assert all(stops for stops, _ in found)
    assert all(model == (languages.pycld2 is None) for _, model in found)
    code = "import sys, digest.pipeline; print([m for m in ('digest.preload', 'py3langid', 'sumy') if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def _pid(_) -> int:
    return os.getpid()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no worker pool")
def test_a_few_jobs_go_to_the_workers_only_when_they_are_up_and_the_caller_is_eager(monkeypatch):
    """A language with a few events is summarised by the workers while they are up (a first
    build), and here in a rebuild, which does not start them for so little."""
    monkeypatch.setattr(pipeline, "_POOL_THRESHOLD", 1000)
    pipeline.release_pool()
    assert set(pipeline._imap(_pid, range(5), False, "test", eager=True)) == {os.getpid()}  # not up: not started
    pipeline._pool()
    try:
        assert set(pipeline._imap(_pid, range(5), False, "test")) == {os.getpid()}
        assert os.getpid() not in set(pipeline._imap(_pid, range(5), False, "test", eager=True))
        assert set(pipeline._imap(_pid, range(1), False, "test", eager=True)) == {os.getpid()}  # one job: no round trip
    finally:
        pipeline.release_pool()


def _heavy_modules(_) -> list[str]:
    return sorted(m for m in ("requests", "justext", "sumy.utils") if m in sys.modules)


def test_the_fork_server_reads_the_stop_word_lists_without_importing_their_libraries():
    """sumy's and jusText's lists are read from their files: the fork server does not import
    sumy's utilities (and requests with them) or jusText before any worker can start; the lists
    are the same."""
    import justext
    from sumy.utils import get_stop_words

    from digest import text

    pipeline.release_pool()
    assert pipeline._map(_heavy_modules, range(pipeline._POOL_THRESHOLD), False, "test") == [[]] * pipeline._POOL_THRESHOLD
    normalised = lambda found: frozenset(w for word in found for w in text.words(word))  # noqa: E731
    assert text.stop_words("fr") == normalised(get_stop_words("french")) and len(text.stop_words("fr")) > 100
    assert text.stop_words("hi") == normalised(justext.get_stoplist("Hindi")) and len(text.stop_words("hi")) > 100
    assert text.stop_words("../stopwords/english") == frozenset()  # a language from metadata names no other file


def test_an_article_added_in_one_language_regroups_that_language_only(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds", sorted(SEEDS.iterdir()))
    (seeds / "fr.md").write_text(
        "---\ntitle: Le sommet de Genève\nlanguage: fr\ndate: 2022-01-10\n---\n\n"
        "Les ministres se sont réunis à Genève lundi pour parler de la crise ukrainienne.\n",
        encoding="utf-8",
    )
    pipeline.run(seeds, cache_dir=tmp_path / "cache")
    grouped: list[tuple[str, bool]] = []
    regroup_batch = events.regroup_batch

    def regroup(batch, previous, **kw):
        grouped.append((batch[0].language, previous is not None))
        return regroup_batch(batch, previous, **kw)

    monkeypatch.setattr(events, "regroup_batch", regroup)
    (seeds / "fr2.md").write_text(
        "---\ntitle: Genève, suite\nlanguage: fr\ndate: 2022-01-11\n---\n\nLes ministres ont repris les discussions mardi.\n",
        encoding="utf-8",
    )
    warm = pipeline.run(seeds, cache_dir=tmp_path / "cache")
    assert grouped == [("fr", True)]  # the English events came from the cache, French from the last grouping
    assert warm.events == pipeline.run(seeds).events


def test_the_pipeline_collects_garbage_rarely_and_gives_the_thresholds_back(monkeypatch):
    import gc

    seen = []
    original = pipeline.load
    monkeypatch.setattr(pipeline, "load", lambda *args, **kwargs: seen.append(gc.get_threshold()) or original(*args, **kwargs))
    before = gc.get_threshold()
    pipeline.run(SEEDS)
    assert seen == [pipeline.FEW_COLLECTIONS] and gc.get_threshold() == before != pipeline.FEW_COLLECTIONS


def test_workers_import_this_package_whatever_folder_the_build_runs_in(tmp_path, monkeypatch):
    # The fork server is a new interpreter: left alone it would put the working folder first
    # on its module path, and a `digest` package there would stand in for this one.
    (tmp_path / "digest").mkdir()
    (tmp_path / "digest" / "__init__.py").write_text("WRONG = True\n", encoding="utf-8")
    (tmp_path / "digest" / "preload.py").write_text("", encoding="utf-8")
    pipeline.release_pool()
    monkeypatch.chdir(tmp_path)
    try:
        found = pipeline._pool().submit(eval, "__import__('digest').__file__").result()
    finally:
        pipeline.release_pool()
    assert found == pipeline.__file__.replace("pipeline.py", "__init__.py")
