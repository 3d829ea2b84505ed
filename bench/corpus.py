"""A synthetic news corpus of any size, made from real article text, for the scale benchmarks.

The text comes from `../shared/data` (ECB+ and TAC 2011 MultiLing, read in place): each gold
cluster of those sets is one real event. To reach tens of thousands of articles the clusters are
copied in "generations": generation 0 is the real text; every later generation re-dates each
cluster and swaps its names and numbers for others (a per-generation permutation of the corpus's
proper names), so the copies read as distinct events instead of collapsing into one.

Within an event, every source article is published by one outlet, or as a wire story by 2-6
outlets, each copy lightly edited (a sentence dropped or moved, a word changed, other quote
marks) and ending with its outlet's boilerplate footer, which the cleaner has to remove.

Files are written as the reader expects them: mostly `.txt` with loose headers (title, date
`YYYYMMDD`, URL), some `.md` with YAML front matter, and a few `.jsonl` exports holding several
articles each. Output depends only on `n` and `seed`; files are written as they are made.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ECB = Path("ecbplus") / "clustering.jsonl"
TAC = Path("tac2011-multiling") / "mds_all_languages.jsonl"

YEAR_START = date(2022, 1, 1)
EVENT_DAYS = 360  # base dates fall in this many days from YEAR_START; articles follow within days
COPIES = (1, 2, 3, 4, 5, 6)  # outlets publishing one source article: 1 = its own story, more = wire copy
COPY_WEIGHTS = (60, 15, 10, 7, 5, 3)
FORMAT_WEIGHTS = {"txt": 80, "md": 15, "jsonl": 5}
JSONL_BATCH = 5  # articles per .jsonl export file

ISO = {"english": "en", "arabic": "ar", "czech": "cs", "french": "fr", "greek": "el", "hebrew": "he", "hindi": "hi"}


@dataclass(frozen=True)
class SourceDoc:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SourceEvent:
    key: str  # the gold cluster id in the source data set
    language: str  # ISO 639-1
    docs: tuple[SourceDoc, ...]


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    domain: str
    footer: tuple[str, ...]  # boilerplate lines; "{year}" is filled in per article


# ---------------------------------------------------------------------------- outlets

_PLACES = ("Ashcombe", "Brindlemoor", "Calderbrook", "Dunhallow", "Elmsworth", "Fennick", "Glenharrow", "Hollowmere")
_PAPERS = ("Courier", "Ledger", "Sentinel", "Dispatch", "Chronicle")
_TLDS = (".com", ".net", ".news", ".co.uk", ".org")
_FOOTERS = (
    ("Copyright {name} {year}",),
    ("\u00a9 {year} {name}. All rights reserved.",),
    ("Follow us on Twitter @{handle} and on Facebook.", "Copyright {name} {year}"),
    ("Sign up for the {name} morning newsletter.",),
    ("Share this article: Facebook | Twitter | Email", "\u00a9 {name} {year}"),
    ("Read more stories like this at {domain}.",),
    ("Follow us on Instagram and Telegram for the latest news.",),
)


def _outlets() -> tuple[Outlet, ...]:
    """Forty invented outlets (8 places x 5 paper names), each with its own footer."""
    made = []
    for i, place in enumerate(_PLACES):
        for j, paper in enumerate(_PAPERS):
            number = i * len(_PAPERS) + j
            name = f"The {place} {paper}"
            handle = f"{place}{paper}"
            domain = f"{place}{paper}".lower() + _TLDS[number % len(_TLDS)]
            footer = tuple(
                line.replace("{name}", name).replace("{handle}", handle).replace("{domain}", domain)
                for line in _FOOTERS[number % len(_FOOTERS)]
            )
            made.append(Outlet(key=f"{place}-{paper}".lower(), name=name, domain=domain, footer=footer))
    return tuple(made)


OUTLETS = _outlets()

# ---------------------------------------------------------------------------- source text

_SENTENCE_END = re.compile(r"(?<=[.!?\u0964])\s+(?=\S)")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\b\d{2,}\b")
_TITLE_WORDS = 14


def load_sources(data: Path = DATA) -> tuple[SourceEvent, ...]:
    """Every gold event of ECB+ and TAC 2011 (all languages), in file order."""
    return _load_sources(data.resolve())


@lru_cache(maxsize=2)
def _load_sources(data: Path) -> tuple[SourceEvent, ...]:
    for part in (ECB, TAC):
        if not (data / part).is_file():
            raise FileNotFoundError(f"source text not found: {data / part}")
    events: dict[str, list[SourceDoc]] = {}
    for line in (data / ECB).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc = _ecb_doc(record["text"])
        if doc is not None:
            events.setdefault(record["cluster"], []).append(doc)
    found = [SourceEvent(key, "en", tuple(docs)) for key, docs in events.items()]
    for line in (data / TAC).read_text(encoding="utf-8").splitlines():
        cluster = json.loads(line)
        docs = [_tac_doc(a["title"], a["text"]) for a in cluster["articles"]]
        language = ISO.get(cluster["language"], cluster["language"][:2])
        found.append(SourceEvent(cluster["id"], language, tuple(d for d in docs if d is not None)))
    return tuple(e for e in found if e.docs)


def _ecb_doc(text: str) -> SourceDoc | None:
    """ECB+ has no titles and one sentence per line: a short first line is the headline.

    Datelines ("10 June 2013 Last updated at 14:00 GMT") are never the headline; they stay in
    the body, where real pages have them too.
    """
    lines = [line.strip() for line in _printable(text).splitlines() if line.strip()]
    if not lines:
        return None
    candidates = [i for i, line in enumerate(lines[:3]) if not _DATELINE.search(line) and len(_LETTERS.findall(line)) >= 3]
    first = candidates[0] if candidates else 0
    line = lines[first]
    if len(lines) > first + 1 and len(line.split()) <= _TITLE_WORDS and not _ends_sentence(line):
        title, body = line.rstrip(":;, "), lines[:first] + lines[first + 1 :]
    else:
        title, body = _headline(line), lines
    return SourceDoc(title, tuple(_paragraphs(body)))


def _ends_sentence(line: str) -> bool:
    return line.rstrip("\"'\u201d\u2019) ").endswith((".", "!", "?"))


_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DATELINE = re.compile(rf"\b({_MONTHS})[a-z]*\.? \d|\d \w*({_MONTHS})|\d:\d|\d/\d|\b(updated|posted)\b", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _paragraphs(lines: list[str], sizes: tuple[int, ...] = (2, 3, 1)) -> Iterator[str]:
    """Sentence lines joined into paragraphs of one to three sentences, as on a news page."""
    start = 0
    for size in itertools.cycle(sizes):
        if start >= len(lines):
            return
        yield " ".join(lines[start : start + size])
        start += size


def _tac_doc(title: str, text: str) -> SourceDoc | None:
    paragraphs = tuple(" ".join(_printable(p).split()) for p in text.split("\n\n") if p.strip())
    if not paragraphs:
        return None
    # A headline is short and has no final stop; a few TAC titles are a whole sentence or end in
    # ":", which would make them read as the first line of the body.
    title = _printable(title).strip()
    title = _headline(title) if len(title.split()) > _TITLE_WORDS + 6 else title.rstrip(".:;, ")
    return SourceDoc(title or _headline(paragraphs[0]), paragraphs)


def _printable(text: str) -> str:
    """Control characters (stray C1 bytes of mis-decoded sources) out: YAML front matter refuses them."""
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in text)


def _headline(sentence: str) -> str:
    words = sentence.split()
    return " ".join(words[:10]).rstrip(".,;: ") if len(words) > 10 else sentence.rstrip(".,;: ")


# ---------------------------------------------------------------------------- generations


def _name_pools(sources: tuple[SourceEvent, ...]) -> dict[str, list[str]]:
    """Per language, the words a generation may swap for one another.

    In cased scripts these are capitalised words never seen in lower case (names: "Lohan",
    "Geneva"), so ordinary words at the start of a sentence stay. Scripts without case get the
    longer words found in a single source event, which are mostly that event's names and topic.
    """
    vocabulary: dict[str, set[str]] = {}
    events_of: dict[tuple[str, str], set[str]] = {}
    for event in sources:
        for doc in event.docs:
            for word in _WORD.findall(" ".join((doc.title, *doc.paragraphs))):
                vocabulary.setdefault(event.language, set()).add(word)
                events_of.setdefault((event.language, word), set()).add(event.key)
    pools = {}
    for language, seen in vocabulary.items():
        cased = sum(1 for w in seen if w[:1].isupper()) > len(seen) // 20
        if cased:
            pool = {w for w in seen if len(w) >= 3 and w[0].isupper() and w[1:].islower() and w.lower() not in seen}
        else:
            pool = {w for w in seen if len(w) >= 4 and not w.isdigit() and len(events_of[(language, w)]) == 1}
        pools[language] = sorted(pool)
    return pools


class Generation:
    """How one generation disguises the source text: a name permutation and a number shift."""

    def __init__(self, number: int, seed: int, pools: dict[str, list[str]]):
        self.number = number
        self._seed = seed
        self._pools = pools
        self._maps: dict[str, dict[str, str]] = {}
        self._shift = 0 if number == 0 else random.Random(f"{seed}:shift:{number}").randint(1, 9)

    def apply(self, text: str, language: str) -> str:
        if self.number == 0:
            return text
        names = self._names(language)
        text = _WORD.sub(lambda m: names.get(m.group(), m.group()), text)
        return _NUMBER.sub(lambda m: str(int(m.group()) + self._shift).zfill(len(m.group())), text)

    def _names(self, language: str) -> dict[str, str]:
        if language not in self._maps:
            pool = self._pools.get(language, [])
            shuffled = list(pool)
            random.Random(f"{self._seed}:names:{self.number}:{language}").shuffle(shuffled)
            self._maps[language] = dict(zip(pool, shuffled))
        return self._maps[language]


# ---------------------------------------------------------------------------- light edits


def _edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    """One or two of the changes an outlet makes to a wire story."""
    for change in rng.sample((_drop_sentence, _move_sentence, _change_word, _change_quotes), rng.randint(1, 2)):
        paragraphs = change(paragraphs, rng)
    return paragraphs


def _drop_sentence(paragraphs: list[str], rng: random.Random) -> list[str]:
    splittable = [i for i, p in enumerate(paragraphs) if len(_SENTENCE_END.split(p)) > 1]
    if splittable:
        i = rng.choice(splittable)
        sentences = _SENTENCE_END.split(paragraphs[i])
        del sentences[rng.randrange(1, len(sentences))]
        return paragraphs[:i] + [" ".join(sentences)] + paragraphs[i + 1 :]
    if len(paragraphs) > 2:
        i = rng.randrange(1, len(paragraphs))
        return paragraphs[:i] + paragraphs[i + 1 :]
    return paragraphs


def _move_sentence(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Swap two neighbouring paragraphs below the lead."""
    if len(paragraphs) < 3:
        return paragraphs
    i = rng.randrange(1, len(paragraphs) - 1)
    moved = list(paragraphs)
    moved[i], moved[i + 1] = moved[i + 1], moved[i]
    return moved


def _change_word(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Replace one lower-case word with another word of the same article."""
    words = sorted({w for p in paragraphs for w in _WORD.findall(p) if len(w) >= 4 and w.islower()})
    if len(words) < 2:
        return paragraphs
    old, new = rng.sample(words, 2)
    i = rng.choice([i for i, p in enumerate(paragraphs) if re.search(rf"\b{re.escape(old)}\b", p)])
    return paragraphs[:i] + [re.sub(rf"\b{re.escape(old)}\b", new, paragraphs[i], count=1)] + paragraphs[i + 1 :]


def _change_quotes(paragraphs: list[str], rng: random.Random) -> list[str]:
    if any("\u201c" in p for p in paragraphs):
        return [p.replace("\u201c", '"').replace("\u201d", '"') for p in paragraphs]
    return [re.sub(r'"([^"]*)"', "\u201c\\1\u201d", p) for p in paragraphs]


# ---------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Piece:
    """One published article, ready to be written in any format."""

    title: str
    paragraphs: tuple[str, ...]
    day: date
    outlet: Outlet
    language: str
    slug: str
    serial: int
    event: str  # gold event: generation and source cluster

    @property
    def url(self) -> str:
        return f"https://{self.outlet.domain}/{self.day:%Y/%m/%d}/{self.slug}/"

    @property
    def body(self) -> list[str]:
        footer = [line.replace("{year}", str(self.day.year)) for line in self.outlet.footer]
        return [*self.paragraphs, *footer]

    @property
    def stem(self) -> str:
        return f"{self.outlet.key}-{self.day:%Y%m%d}-{self.slug[:40].rstrip('-')}-{self.serial:06d}"


def _slug(title: str, serial: int) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug if len(re.sub(r"[^a-z]", "", slug)) >= 8 else f"story-{serial}"


def _txt(piece: Piece) -> str:
    head = f"{piece.title}\n{piece.day:%Y%m%d}\n{piece.url}\n\n"
    return head + "\n\n".join(piece.body) + "\n"


def _md(piece: Piece) -> str:
    quoted = {"title": piece.title, "source": piece.outlet.name, "url": piece.url, "language": piece.language}
    # JSON strings are valid YAML scalars; the date stays bare, as people write it (YAML reads a date).
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in quoted.items()]
    lines.insert(1, f"date: {piece.day.isoformat()}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + "\n\n".join(piece.body) + "\n"


def _record(piece: Piece) -> dict:
    return {
        "id": piece.stem,
        "title": piece.title,
        "text": "\n\n".join(piece.body),
        "date": piece.day.isoformat(),
        "source": piece.outlet.name,
        "url": piece.url,
        "language": piece.language,
    }


class _Writer:
    """Writes pieces as they come; .jsonl exports collect a few articles of one outlet first."""

    def __init__(self, out: Path, labels: Path | None):
        self.out = out
        self.files = 0
        self.articles = 0
        self.bytes = 0
        self.formats: Counter[str] = Counter()
        self._exports: dict[str, list[Piece]] = {}
        self._export_count: Counter[str] = Counter()
        self._labels = None
        if labels is not None:
            labels.parent.mkdir(parents=True, exist_ok=True)
            self._labels = labels.open("w", encoding="utf-8")

    def write(self, piece: Piece, form: str) -> None:
        self.articles += 1
        self.formats[form] += 1
        if form == "jsonl":
            batch = self._exports.setdefault(piece.outlet.key, [])
            batch.append(piece)
            if len(batch) == JSONL_BATCH:
                self._flush(piece.outlet.key)
            return
        path = Path(f"{piece.day:%Y-%m}") / f"{piece.stem}.{form}"
        self._save(path, _txt(piece) if form == "txt" else _md(piece))
        self._label(path, "", piece)

    def close(self) -> None:
        for key in sorted(self._exports):
            if self._exports[key]:
                self._flush(key)
        if self._labels is not None:
            self._labels.close()

    def _flush(self, key: str) -> None:
        batch = self._exports.pop(key)
        self._export_count[key] += 1
        path = Path("exports") / f"{key}-{self._export_count[key]:04d}.jsonl"
        self._save(path, "".join(json.dumps(_record(p), ensure_ascii=False) + "\n" for p in batch))
        for number, piece in enumerate(batch, 1):
            self._label(path, f"line {number}", piece)

    def _save(self, relative: Path, text: str) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def _label(self, path: Path, record: str, piece: Piece) -> None:
        if self._labels is not None:
            row = {"path": path.as_posix(), "record": record, "event": piece.event}
            self._labels.write(json.dumps(row) + "\n")


# ---------------------------------------------------------------------------- the corpus


def _pieces(sources: tuple[SourceEvent, ...], generation: Generation, rng: random.Random, serials: Iterator[int]) -> Iterator[Piece]:
    """Every article one generation publishes, event by event in a shuffled order."""
    order = list(range(len(sources)))
    rng.shuffle(order)
    for index in order:
        source = sources[index]
        base = YEAR_START + timedelta(days=rng.randrange(EVENT_DAYS))
        for doc in source.docs:
            day = base + timedelta(days=rng.randrange(4))
            title = generation.apply(doc.title, source.language)
            text = [generation.apply(p, source.language) for p in doc.paragraphs]
            copies = rng.choices(COPIES, COPY_WEIGHTS)[0]
            for copy, outlet in enumerate(rng.sample(OUTLETS, copies)):
                # The first outlet prints the story as it came (a later generation still edits it a
                # little, so that generations differ beyond their names); every other copy is edited.
                paragraphs = _edit(text, rng) if copy or (generation.number and rng.random() < 0.3) else text
                serial = next(serials)
                yield Piece(
                    title=title,
                    paragraphs=tuple(paragraphs),
                    day=day + timedelta(days=rng.randrange(2) if copy else 0),
                    outlet=outlet,
                    language=source.language,
                    slug=_slug(title, serial),
                    serial=serial,
                    event=f"g{generation.number}:{source.key}",
                )


def make_corpus(out: Path, n: int, seed: int = 0, data: Path = DATA, labels: Path | None = None) -> dict:
    """Write `n` articles below `out`; with `labels`, also a JSON line {path, record, event} per article.

    Returns {"files", "articles", "bytes", "events", "generations", "formats"}; "events" counts
    the gold events (a source cluster in one generation) that received at least one article.
    """
    sources = load_sources(data)
    pools = _cached_pools(data.resolve())
    rng = random.Random(seed)
    writer = _Writer(out, labels)
    events: set[str] = set()
    serials = itertools.count(1)
    generation = Generation(0, seed, pools)
    try:
        while writer.articles < n:
            for piece in _pieces(sources, generation, rng, serials):
                writer.write(piece, rng.choices(list(FORMAT_WEIGHTS), list(FORMAT_WEIGHTS.values()))[0])
                events.add(piece.event)
                if writer.articles == n:
                    break
            generation = Generation(generation.number + 1, seed, pools)
    finally:
        writer.close()
    return {
        "files": writer.files,
        "articles": writer.articles,
        "bytes": writer.bytes,
        "events": len(events),
        "generations": generation.number if writer.articles else 0,
        "formats": dict(sorted(writer.formats.items())),
    }


def add_article(out: Path, seed: int, data: Path = DATA) -> Path:
    """Write one more `.txt` article below `out`, newer than any `make_corpus` writes; return its path.

    It is a source article disguised by a generation far beyond any `make_corpus` makes, as the
    next day's news: it may start an event of its own or, being the same story underneath, join
    the event of its source. Different seeds give different articles and file names.
    """
    sources = load_sources(data)
    rng = random.Random(f"add:{seed}")
    source = rng.choice(sources)
    doc = rng.choice(source.docs)
    generation = Generation(1_000_000 + seed, seed, _cached_pools(data.resolve()))
    title = generation.apply(doc.title, source.language)
    serial = 900_000 + seed % 100_000
    piece = Piece(
        title=title,
        paragraphs=tuple(generation.apply(p, source.language) for p in doc.paragraphs),
        day=YEAR_START + timedelta(days=EVENT_DAYS + 5 + rng.randrange(3)),  # after every corpus date
        outlet=rng.choice(OUTLETS),
        language=source.language,
        slug=_slug(title, serial),
        serial=serial,
        event=f"added:{seed}",
    )
    path = out / "added" / f"{piece.stem}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_txt(piece), encoding="utf-8")
    return path


@lru_cache(maxsize=2)
def _cached_pools(data: Path) -> dict[str, list[str]]:
    return _name_pools(_load_sources(data))
