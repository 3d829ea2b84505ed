"""A corpus of hostile and broken input files, and helpers to build and inspect sites made of it.

`make_hostile_corpus(dest)` writes every file into `dest` (a seeds folder) and returns
{relative path: expected fate}:

    used      an article with that path reached the corpus, and no notice names the file
    degraded  an article (or a record of it) reached the corpus, and exactly one notice says what was lost
    skipped   nothing of the file reached the corpus, and exactly one skipped notice says why

Everything is generated (no network, no randomness): the same `dest` always gets the same bytes.
Non-Latin text comes from TAC 2011 MultiLing in `../shared/data` when present, else from short
hand-written sentences.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DIGEST_SHARED_DATA", ROOT.parent / "shared" / "data"))

USED, DEGRADED, SKIPPED = "used", "degraded", "skipped"
BIG_FILE_BYTES = 50 * 2**20
LONG_LINE_BYTES = 2**20
# Written next to the corpus folder by the YAML payload if a loader ever executed it.
YAML_MARKER = "yaml-payload-was-executed"

# Plain prose that any reader should keep: several sentences, a clear headline-free body.
PROSE = (
    "The city council approved the new budget on Tuesday after a long debate. "
    "Members voted eleven to four in favour of the plan. "
    "The mayor said the money would go to schools, roads and the public library."
)

# Template, Markdown and HTML syntax that must come out as the very same characters.
INJECTIONS = (
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    "<!--",
    "[x](javascript:alert(1))",
    "| a | b |",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
)

# Used when ../shared/data is absent: one short news-like paragraph per language.
_FALLBACK_TEXT = {
    "ar": ("وافق مجلس المدينة على الميزانية الجديدة",
           "وافق مجلس المدينة يوم الثلاثاء على الميزانية الجديدة بعد نقاش طويل. وقال رئيس البلدية إن الأموال ستذهب إلى المدارس والطرق."),
    "he": ("מועצת העיר אישרה את התקציב החדש",
           "מועצת העיר אישרה ביום שלישי את התקציב החדש לאחר דיון ארוך. ראש העיר אמר כי הכסף יופנה לבתי הספר ולכבישים."),
    "hi": ("नगर परिषद ने नया बजट मंज़ूर किया",
           "नगर परिषद ने मंगलवार को लंबी बहस के बाद नया बजट मंज़ूर किया। महापौर ने कहा कि पैसा स्कूलों और सड़कों पर खर्च होगा।"),
}
_CHINESE = (
    "市议会通过新预算",
    "市议会周二在长时间辩论后通过了新的预算。市长表示，这笔资金将用于学校、道路和公共图书馆。"
    "反对者认为预算过高，但多数议员支持这一计划。",
)
_TAC_LANGUAGES = {"arabic": "ar", "hebrew": "he", "hindi": "hi"}


def make_hostile_corpus(dest: Path, big: bool = True) -> dict[str, str]:
    """Write the hostile files into `dest` (created if needed); return {relative path: fate}.

    `big=False` leaves out the two oversized files, for tests that build many times.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    fates: dict[str, str] = {}

    def put(name: str, content: str | bytes, fate: str) -> Path:
        path = dest / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        fates[name] = fate
        return path

    # Nothing in it.
    put("empty.txt", b"", SKIPPED)
    put("whitespace-only.txt", " \n\t\n   \r\n", SKIPPED)
    # Binary files, under their own extension and under a text one.
    put("picture.png", tiny_png(), SKIPPED)
    put("picture-named-as-text.txt", tiny_png(), SKIPPED)
    put("archive.zip", tiny_zip(), SKIPPED)
    put("archive-named-as-markdown.md", tiny_zip(), SKIPPED)
    put("nul-bytes.txt", b"Council budget\n\nThe council met.\x00\x00\x00\x01\x02 binary tail", SKIPPED)
    put("no-extension", PROSE, SKIPPED)

    # Encodings and line ends.
    put("invalid-utf8.txt", "Café owners welcome the budget\n\n".encode() + PROSE.encode()
        + b" A broken byte \xc3\x28 sits here, next to valid \xc3\xa9 accents.", DEGRADED)
    put("windows-1252.txt", "Budget “approved” by council\n\nThe plan costs 5 million € — a record. ".encode("cp1252")
        + PROSE.encode("cp1252"), DEGRADED)
    put("latin-1.txt", "Zürich council approves budget\n\nThe café owners of Zürich welcomed the plan. ".encode("latin-1")
        + PROSE.encode("latin-1"), DEGRADED)
    put("control-characters-page.html", f"<html><body><h1>Council\x01 approves budget</h1><p>{PROSE}\x0b\x14 Tax\x07 rises.</p></body></html>", USED)
    put("control-characters-text.txt", f"Council\x1b approves budget\n\n{PROSE}\x0c Tax\x07 rises.", USED)
    put("utf-16-bom.txt", ("Council approves the budget\n\n" + PROSE + " Prices rose by 5 €.").encode("utf-16"), USED)
    put("crlf.txt", ("Council approves the budget\r\n\r\n" + PROSE.replace(". ", ".\r\n")).encode(), USED)
    put("lone-cr.txt", ("Council approves the budget\r\r" + PROSE.replace(". ", ".\r")).encode(), USED)

    # Size: a 50 MB file (the readers read only its start) and one line of 1 MB.
    if big:
        write_big_file(dest / "huge-50mb.txt", BIG_FILE_BYTES)
        fates["huge-50mb.txt"] = DEGRADED
        put("one-line-1mb.txt", long_line(LONG_LINE_BYTES), DEGRADED)

    # Little or odd text.
    put("no-sentence-punctuation.txt",
        "Council meets again\n\nthe council met on tuesday and talked about the budget for hours "
        "and nobody agreed on anything and then everyone went home", USED)
    put("title-only.txt", "Council Approves New Budget\n", USED)
    put("title-only-heading.md", "# Council Approves New Budget\n", USED)

    # Front matter: malformed, hostile, of the wrong types.
    put("malformed-front-matter.md", "---\ntitle: [unclosed\ndate: : :\n---\n\n" + PROSE + "\n", DEGRADED)
    payload = f'!!python/object/apply:os.system ["touch {dest.parent / YAML_MARKER}"]'
    put("yaml-python-tag.md", f"---\ntitle: {payload}\ndate: {payload}\n---\n\n{PROSE}\n", DEGRADED)
    put("yaml-billion-laughs.md", billion_laughs() + "\n" + PROSE + "\n", DEGRADED)
    put("wrong-types.md", "---\ndate: yesterday\ntags: 5\ntitle: [1, 2]\n---\n\n" + PROSE + "\n", DEGRADED)

    # Active content and syntax of other languages in titles and text.
    put("scripts.html", hostile_html(), USED)
    put("injection.txt", " ".join(INJECTIONS) + "\n\n" + injection_paragraphs(), USED)
    put("injection-front-matter.md", front_matter(title=" ".join(INJECTIONS)) + injection_paragraphs() + "\n", USED)
    put("injection-records.jsonl", injection_records(), DEGRADED)
    put("quotes-in-title.md", front_matter(title='Harbour "toll" <plan> & ferry fees rise', date="2022-02-14")
        + "The harbour authority raised ferry fees and the toll for the harbour bridge on Monday.\n\n"
        "Ferry passengers will pay two euros more, and the bridge toll rises by one euro.\n", USED)
    put("<img src=x onerror=alert(1)> {{ 7*7 }}.txt", "A file name with markup\n\n" + PROSE, USED)

    # Titles that slugify alike, to nothing, or to path tricks.
    put("same-slug-1.md", front_matter(title="Budget Vote!") + PROSE + "\n", USED)
    put("same-slug-2.md", front_matter(title="budget vote?") + PROSE.replace("Tuesday", "Wednesday") + "\n", USED)
    put("slug-empty.md", front_matter(title="!!!") + PROSE + "\n", USED)
    put("slug-dots.md", front_matter(title="..") + PROSE + "\n", USED)
    put("slug-etc-passwd.md", front_matter(title="/etc/passwd") + PROSE + "\n", USED)
    put("slug-traversal.md", front_matter(title="../../../../evil-outside") + PROSE + "\n", USED)

    # Two files whose names give one article id: the second is renamed, with a notice.
    put("same-id.md", front_matter(title="Budget row") + PROSE + "\n", USED)
    put("same-id.txt", "Budget row continues\n\n" + PROSE, DEGRADED)

    # The same bytes under two names.
    put("duplicate-a.txt", "Council approves the budget again\n\n" + PROSE, USED)
    put("duplicate-b.txt", "Council approves the budget again\n\n" + PROSE, USED)

    # Links that leave the folder or go round in circles, and a file nobody may read.
    (dest / "link-outside.txt").symlink_to("/etc/passwd")
    fates["link-outside.txt"] = SKIPPED
    (dest / "loop-a.txt").symlink_to("loop-b.txt")
    (dest / "loop-b.txt").symlink_to("loop-a.txt")
    fates["loop-a.txt"] = fates["loop-b.txt"] = SKIPPED
    locked = put("unreadable.txt", "Council approves the budget\n\n" + PROSE, SKIPPED)
    locked.chmod(0)
    if os.geteuid() == 0 or os.access(locked, os.R_OK):
        fates["unreadable.txt"] = USED  # root reads anything; the unit tests cover the refusal

    # Dates far outside any news archive.
    put("date-9999.md", front_matter(title="Far future budget", date="9999-12-31") + PROSE + "\n", DEGRADED)
    put("date-0001.md", front_matter(title="Year one budget", date="0001-01-01") + PROSE + "\n", DEGRADED)
    put("date-1066.md", front_matter(title="Hastings budget", date="1066-10-14") + PROSE + "\n", DEGRADED)

    # Scripts written right to left, Devanagari, Han, emoji.
    for code, (title, text) in non_latin_texts().items():
        put(f"language-{code}.md", front_matter(title=title, language=code) + text + "\n", USED)
    put("nachrichten-überblick-新闻.txt", "Überblick: Stadtrat billigt Haushalt\n\n" + PROSE, USED)
    put("emoji.txt", "Budget passes 🎉🇺🇦👩‍👩‍👧\n\n" + PROSE.replace("Tuesday", "Tuesday 🗳️") + " Fans cheered 👏🏽.", USED)
    return fates


# ---------------------------------------------------------------------------------------------
# Pieces of the corpus
# ---------------------------------------------------------------------------------------------


def tiny_png() -> bytes:
    """A valid 1x1 RGB PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def tiny_zip() -> bytes:
    """A zip archive holding one text file (fixed timestamp: same bytes every time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("article.txt", date_time=(2022, 1, 3, 0, 0, 0)), PROSE)
    return buffer.getvalue()


def write_big_file(path: Path, size: int) -> None:
    """`size` bytes of repeated numbered paragraphs, written in large blocks (fast)."""
    head = "Council approves the budget\n\n"
    paragraphs = "".join(f"Paragraph {n}: {PROSE}\n\n" for n in range(200)).encode()
    block = paragraphs * max(1, (4 * 2**20) // len(paragraphs))
    with path.open("wb") as handle:
        handle.write(head.encode())
        written = len(head)
        while written < size:
            piece = block[: size - written]
            handle.write(piece)
            written += len(piece)


def long_line(size: int) -> str:
    """One line of `size` bytes: distinct sentences, no line break."""
    sentences = []
    total = 0
    number = 0
    while total < size:
        sentence = f"Delegate {number} spoke about item {number % 97} of the budget for {number % 13 + 2} minutes. "
        sentences.append(sentence)
        total += len(sentence)
        number += 1
    return "".join(sentences)[:size]


def billion_laughs(levels: int = 9) -> str:
    """Front matter whose aliases expand to 10**levels strings if anything walks them."""
    lines = ["---", 'lol0: &lol0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        refs = ",".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    top = f"*lol{levels - 1}"
    lines += [f"title: {top}", f"tags: {top}", f"date: {top}", f"source: {top}", "---"]
    return "\n".join(lines)


def hostile_html() -> str:
    return f"""<!DOCTYPE html>
<html><head><title>Council approves budget <script>alert('title')</script></title>
<script>document.write('injected')</script>
<meta http-equiv="refresh" content="0;url=javascript:alert(1)">
</head>
<body onload="alert('body')">
<h1>Council approves budget</h1>
<p>{PROSE}</p>
<p>Residents can <a href="javascript:alert(1)">read the plan</a> online or
<a href="https://example.com/plan" onclick="alert(1)">download it</a>.</p>
<img src="x" onerror="alert(1)" alt="budget chart">
<iframe src="javascript:alert(1)"></iframe>
<p>The vote followed months of negotiations between the parties on the council.
Opponents said the spending plan ignored the needs of rural districts.</p>
<script>alert(2)</script><noscript>enable scripts</noscript>
<svg onload="alert(1)"><script>alert(3)</script></svg>
</body></html>
"""


def injection_paragraphs() -> str:
    """Prose with each injection inside a sentence, one paragraph per injection."""
    return "\n\n".join(
        f"Reporters quoted the string {text} in paragraph {n} of the story about the budget vote."
        for n, text in enumerate(INJECTIONS, 1)
    ) + "\n\n" + PROSE


def injection_records() -> str:
    records = [
        {"id": "../../etc/passwd", "title": "<script>alert(1)</script> Budget", "text": injection_paragraphs(),
         "url": 'https://example.com/a"onmouseover="alert(1)', "source": "javascript:alert(1)"},
        {"id": "{{ 7*7 }}", "title": "{{ 7*7 }}", "text": PROSE, "url": "javascript:alert(1)", "date": "2022-01-03"},
    ]
    lines = [json.dumps(records[0]), "{not json", json.dumps(records[1])]
    return "\n".join(lines) + "\n"


def front_matter(**fields: str) -> str:
    """A YAML front matter block with the values quoted (JSON strings are valid YAML)."""
    body = "".join(f"{key}: {json.dumps(value, ensure_ascii=False) if key != 'date' else value}\n" for key, value in fields.items())
    return "---\n" + body + "---\n\n"


def non_latin_texts() -> dict[str, tuple[str, str]]:
    """{language code: (title, text)}: real WikiNews articles when the shared data is there."""
    texts = dict(_FALLBACK_TEXT)
    source = SHARED_DATA / "tac2011-multiling" / "mds_all_languages.jsonl"
    if source.is_file():
        with source.open(encoding="utf-8") as lines:
            for line in lines:
                cluster = json.loads(line)
                code = _TAC_LANGUAGES.get(cluster.get("language"))
                if code and texts[code] is _FALLBACK_TEXT[code]:
                    article = next((a for a in cluster["articles"] if a.get("title") and a.get("text")), None)
                    if article:
                        texts[code] = (article["title"], "\n\n".join(article["text"].split("\n\n")[:3]))
    texts["zh"] = _CHINESE
    return texts


# ---------------------------------------------------------------------------------------------
# Helpers for the tests: projects, builds, trees, HTML scanning
# ---------------------------------------------------------------------------------------------


def copy_seeds(dest: Path) -> Path:
    shutil.copytree(ROOT / "seeds", dest)
    return dest


def copy_in_order(source: Path, dest: Path, reverse: bool = False) -> Path:
    """Copy a flat folder entry by entry, in name order or its reverse, so that the order of
    entries on disk (which `os.scandir` returns) differs between copies. Symlinks stay links;
    permission bits are kept."""
    dest.mkdir(parents=True)
    for entry in sorted(source.iterdir(), key=lambda p: p.name, reverse=reverse):
        target = dest / entry.name
        if entry.is_symlink():
            target.symlink_to(os.readlink(entry))
        else:
            copy_file(entry, target)
    return dest


def copy_file(source: Path, target: Path) -> None:
    """`shutil.copy2`, except that a file we may not read is copied as an empty file with its mode
    (a user other than root cannot read the corpus's locked file, and no build can either)."""
    try:
        shutil.copy2(source, target)
    except PermissionError:
        Path(target).touch()
        shutil.copymode(source, target)


def copy_project(dest: Path, seeds: Path | None = ROOT / "seeds") -> Path:
    """What `mkdocs build` needs, in a scratch folder; `seeds` (None: none) become its seeds."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns(".digest-manifest.json", "briefings", "articles"))
    if seeds is not None:
        shutil.copytree(seeds, dest / "seeds", symlinks=True, copy_function=copy_file)
    return dest


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment with `extra` on top; a PYTHONPATH in `extra` goes first."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    if "PYTHONPATH" in extra and env.get("PYTHONPATH"):
        extra = {**extra, "PYTHONPATH": extra["PYTHONPATH"] + os.pathsep + env["PYTHONPATH"]}
    env.update(extra)
    return env


def mkdocs_command(project: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]


def digest_command(seeds: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "digest.cli", "build", "--seeds", str(seeds), "--out", str(out),
            "--templates", str(ROOT / "templates"), *extra]


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return run_all([(command, cwd, env)])[0]


def run_all(jobs: list[tuple[list[str], Path, dict[str, str]]]) -> list[subprocess.CompletedProcess]:
    """Run (command, cwd, extra environment) jobs side by side; their results in order."""
    children = [
        subprocess.Popen(command, cwd=cwd, env=clean_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command, cwd, env in jobs
    ]
    results = []
    for child, (command, _, _) in zip(children, jobs):
        stdout, stderr = child.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(command, child.returncode, stdout, stderr))
    return results


def tree(folder: Path) -> dict[str, bytes]:
    """{relative POSIX path: bytes} of every file below `folder`."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def listing(folder: Path, skip: tuple[str, ...] = ()) -> set[str]:
    """Relative paths of every entry below `folder` (symlinks not followed), minus those under `skip`."""
    found = set()
    for current, dirs, files in os.walk(folder):
        rel = Path(current).relative_to(folder)
        dirs[:] = [d for d in dirs if (rel / d).as_posix() not in skip]
        found.update((rel / name).as_posix() for name in dirs + files)
    return found


# Attributes whose value is fetched or followed as a URL.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"})
# Schemes that run code when followed.
_ACTIVE_SCHEME = re.compile(r"^(?:javascript|vbscript|data:text/html)", re.I)


class _TagScanner(HTMLParser):
    """Script elements, event-handler attributes and active URLs of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []  # "src=..." or the inline code
        self.handlers: list[str] = []  # "tag on...=value"
        self.active_urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            if name in URL_ATTRIBUTES and value and _ACTIVE_SCHEME.match(re.sub(r"[\s\x00-\x1f]", "", value)):
                self.active_urls.append(f"{tag} {name}={value}")
            if tag == "meta" and name == "content" and value and "javascript:" in value.lower():
                self.active_urls.append(f"meta content={value}")
        if tag == "script":
            src = dict(attrs).get("src")
            self.scripts.append(f"src={src}" if src else "")
            self._in_script = not src

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and self.scripts:
            self.scripts[-1] += data


def scan_html(html: str) -> _TagScanner:
    scanner = _TagScanner()
    scanner.feed(html)
    scanner.close()
    return scanner
