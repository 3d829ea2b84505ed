"""Stage 7b: the MkDocs plugin that makes `mkdocs build` / `mkdocs serve` produce the site.

    plugins:
      - digest:
          seeds: seeds          # folder of articles, relative to mkdocs.yml
          templates: templates  # folder of templates overriding the built-in ones
          words: 250            # word budget of a briefing
          cache: .digest-cache  # reuse unchanged work between builds ("" to turn off)

The generated pages are virtual files (nothing is written into docs/), so a fresh clone
builds with `mkdocs build` alone, and `mkdocs serve` can watch the seeds and templates
without triggering itself. In build mode the site is built into a sibling staging folder
and swapped into `site_dir` in one step once complete (see `publish.swap_into_place`), so a
failed or killed build leaves the previous site whole.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel

from . import pages, pipeline, publish

log = logging.getLogger("mkdocs.plugins.digest")

# Page folders left out of the navigation: they are reached from the home page and archive.
_OUT_OF_NAV = ("briefings/", "articles/")
_IN_FEED = "briefings/"  # the pages mkdocs.yml's feed plugin lists (its match_path)


class DigestConfig(base.Config):
    seeds = c.Type(str, default="seeds")
    templates = c.Type(str, default="templates")
    words = c.Type(int, default=250)
    cache = c.Type(str, default=".digest-cache")


class DigestPlugin(BasePlugin[DigestConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.command = "build"
        self.dirty = False
        self.site_dir: Path | None = None  # the real site_dir while building into staging
        self.staging: Path | None = None
        self.scratch: tempfile.TemporaryDirectory | None = None  # this build's page sources
        self.built: tuple[pipeline.Result, dict[str, str]] | None = None  # made in on_config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        self.seeds = root / self.config.seeds
        self.templates = root / self.config.templates
        self.cache = root / self.config.cache if self.config.cache else None
        # `--dirty` updates the existing site in place, and serve builds into its own
        # temporary folder: only a full build goes through staging.
        if self.command in ("build", "gh-deploy") and not self.dirty:
            self.site_dir = Path(config.site_dir).absolute()
            publish.recover(self.site_dir)
            self.staging = publish.staging_dir(self.site_dir)
            config.site_dir = str(self.staging)
        if not self.seeds.is_dir():
            raise PluginError(f"digest: seeds folder not found: {self.seeds}")
        settings = pipeline.Settings(words=self.config.words)
        self.built = pipeline.run_and_render(self.seeds, settings, [self.templates], cache_dir=self.cache)
        _pin_build_time(self.built[0])
        return config

    def on_files(self, files, *, config):
        result, rendered = self.built
        self._log(result, len(rendered))

        # Pages an earlier `digest build` wrote into docs/ are replaced by (or, when stale,
        # dropped in favour of) this build's virtual pages.
        written_before = publish.read_manifest(Path(config.docs_dir))
        for uri in sorted(set(rendered) | set(written_before)):
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
        # The briefings are backed by real files (in a scratch folder, not docs/): the feed plugin
        # reads a source path for the pages it lists. Every other page is given as its text: ten
        # thousand article pages written to disk on every build cost this machine's disk 1-5 s.
        scratch = self._new_scratch()
        for uri, text in rendered.items():
            inclusion = InclusionLevel.NOT_IN_NAV if uri.startswith(_OUT_OF_NAV) else InclusionLevel.UNDEFINED
            if not uri.startswith(_IN_FEED):
                files.append(File.generated(config, uri, content=text, inclusion=inclusion))
                continue
            source = scratch / uri
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text(text, encoding="utf-8")
            files.append(File.generated(config, uri, abs_src_path=str(source), inclusion=inclusion))
        return files

    # The generated front matter holds `title` and `description` HTML-escaped (safe for anyone
    # reading the Markdown). The feed plugin escapes what it reads once more, and Material prints
    # them raw: so they are plain text while the feed plugin reads them (page content) and
    # escaped again before the theme prints them (page context).
    def on_page_markdown(self, markdown, *, page, config, files):
        self._recode_meta(page, html.unescape)
        return markdown

    def on_page_context(self, context, *, page, config, nav):
        self._recode_meta(page, lambda text: html.escape(text, quote=True))
        return context

    @staticmethod
    def _recode_meta(page, recode) -> None:
        if not page.file.generated_by:
            return  # hand-written pages keep their front matter as written
        for field in ("title", "description"):
            if isinstance(page.meta.get(field), str):
                page.meta[field] = recode(page.meta[field])

    def on_serve(self, server, *, config, builder):
        for folder in (self.seeds, self.templates, pages.DEFAULT_TEMPLATES):
            if folder.is_dir():
                server.watch(str(folder))
        return server

    def on_post_build(self, *, config) -> None:
        if self.staging is None or self.site_dir is None:
            return
        publish.swap_into_place(self.staging, self.site_dir)
        self._finish(config)

    def on_build_error(self, *, error: Exception) -> None:
        self._finish(None)

    def on_shutdown(self) -> None:
        if self.scratch is not None:
            self.scratch.cleanup()
            self.scratch = None

    def _new_scratch(self) -> Path:
        """A fresh folder for this build's page sources; the previous build's goes away."""
        self.on_shutdown()
        self.scratch = tempfile.TemporaryDirectory(prefix="digest-pages-")
        return Path(self.scratch.name)

    def _finish(self, config) -> None:
        """Drop the staging folder (now the previous site, or a failed build) and point
        `site_dir` back at the real folder (gh-deploy reads it after the build)."""
        if self.staging is not None and self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        if config is not None and self.site_dir is not None:
            config.site_dir = str(self.site_dir)
        self.staging = None

    def _log(self, result, page_count: int) -> None:
        corpus = result.corpus
        log.info(
            "digest: %d files, %d articles, %d briefings, %d pages",
            len(corpus.files), len(corpus.articles), len(result.briefings), page_count,
        )
        # Skipped or degraded inputs are listed on the ingest page; INFO keeps --strict for site problems.
        for notice in corpus.notices:
            log.info("digest: %s", notice)


_pinned: str | None = None  # the SOURCE_DATE_EPOCH this process set last (`mkdocs serve` builds again)


def _pin_build_time(result) -> None:
    """MkDocs and the feed plugin stamp the build time into sitemap.xml(.gz) and the feeds
    unless SOURCE_DATE_EPOCH is set: set it to the newest article's date, so that the same
    input gives the same site, byte for byte. A value the user set wins; one this process set
    for an earlier build of `mkdocs serve` follows the articles. Called from on_config: the
    feed plugin, listed after this one, reads the time in its own on_config."""
    global _pinned
    if os.environ.get("SOURCE_DATE_EPOCH") in (None, _pinned):
        _pinned = os.environ["SOURCE_DATE_EPOCH"] = str(_newest_date_epoch(result))


def _newest_date_epoch(result) -> int:
    """Seconds since 1970 at the newest article date (0 when no article has a date)."""
    from datetime import datetime, timezone

    dates = sorted(a.date for a in result.corpus.articles if a.date)
    if not dates:
        return 0
    return int(datetime.fromisoformat(dates[-1]).replace(tzinfo=timezone.utc).timestamp())
