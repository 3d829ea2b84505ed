"""Stage 2: per-article clutter rules, the cross-outlet boilerplate rule, and what must survive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import clean, read
from digest.models import Article, Notice

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
DATA = REPO.parent / "shared" / "data"


def article(*paragraphs: str, outlet: str | None = None, id: str = "a", path: str = "a.txt") -> Article:
    return Article(id=id, title="Title", paragraphs=paragraphs, path=path, outlet=outlet)


def cleaned(*paragraphs: str) -> tuple[str, ...]:
    return clean.clean_article(article(*paragraphs)).paragraphs


# --- the seeds -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    files, _ = read.discover(SEEDS)
    raw = [a for path in files for a in read.read_file(path, SEEDS)[0]]
    articles, notices = clean.clean(raw)
    assert notices == [] and [a.id for a in articles] == [a.id for a in raw]
    return {a.id[:3]: a for a in articles}


CLUTTER = ["Source link", "Leave a Reply", "Copyright", "Contact Us", "| Reuters", "(@ZelenskyyUa)", "•",
           "Ukrainian Presidential Press Service", "email address"]


@pytest.mark.parametrize("clutter", CLUTTER)
def test_no_seed_keeps_clutter(seeds, clutter):
    for seed in seeds.values():
        assert not [p for p in seed.paragraphs if clutter in p], seed.id


def test_seed_body_sentences_survive_verbatim(seeds):
    assert "Biden also intends to review plans for diplomatic moves aimed \"to help de-escalate the situation in the region,\" the official said." in seeds["003"].paragraphs
    assert seeds["003"].paragraphs[0].startswith("President Joe Biden plans to speak with Ukraine President Zelenskyy on Sunday")
    assert seeds["002"].paragraphs[-1] == "The United States has warned that it will impose punitive economic sanctions in the event of an invasion."
    assert seeds["004"].paragraphs[-1].startswith("U.S. officials have been trying their best")
    assert 'Zelensky tweeted: "Look forward to talking again with [Biden] this Sunday' in seeds["000"].text


def test_seed_clutter_is_gone_but_little_else(seeds):
    assert "Jill Biden" not in seeds["003"].text  # the photo caption, printed twice around its credit
    assert "Strategic Partner" not in seeds["000"].text  # the embedded tweet's own text
    assert "warns of severe sanctions-" not in seeds["004"].text  # a section divider
    raw = sum(len(read.read_file(p, SEEDS)[0][0].text) for p in read.discover(SEEDS)[0])
    assert sum(len(a.text) for a in seeds.values()) >= 0.9 * raw


def test_seed_metadata_is_untouched(seeds):
    assert seeds["001"].date == "2022-01-03" and seeds["001"].outlet == "dailytimes.com.pk"
    assert seeds["003"].title.startswith("Biden to Speak With Ukraine President Zelenskyy")


def test_cleaning_twice_changes_nothing(seeds):
    for seed in seeds.values():
        assert clean.clean_article(seed) == seed


# --- per-article rules -------------------------------------------------------------------------

PROSE = "The council approved the budget on Monday after a long debate."


@pytest.mark.parametrize(
    "line",
    [
        "Source link", "Read more: Council passes budget", "Leave a Reply", "Leave a comment",
        "Your email address will not be published.", "Required fields are marked *", "Contact Us",
        "Copyright Example News", "© 2022 Example Media Group", "All rights reserved.",
        "With reports from Reuters, AP and AFP", "Reporting by Jane Doe; Editing by John Roe",
        "Photo: AFP", "Photograph by Jane Doe/Example", "Jonathan Doe | Reuters", "(AFP)",
        "(Photo by Jane Doe/AFP via Getty Images)", "Getty Images", "Regional Press Service",
        "pic.twitter.com/AbC123", "-A section heading-", "— More —", "* * *", "2022", "politics",
        "Key Points", "Sound off in the comments below!", "Join the conversation",
        "What do you think about the budget? Sound off in the comments below!",
    ],
)
def test_clutter_lines_are_dropped(line):
    assert cleaned(PROSE, line, PROSE.replace("Monday", "Tuesday")) == (PROSE, PROSE.replace("Monday", "Tuesday"))


@pytest.mark.parametrize(
    "line",
    [
        "Reuters reported that the minister resigned on Friday after weeks of pressure.",
        "The photographer said the picture was taken before the storm.",
        "She said: \"Read more books.\"",
        "Yes.",
        "Prices rose 5% in May, the agency said - its fastest pace in a year.",
        "Tensions rose as talks stalled and negotiators left the city without a deal for the fourth time this year",
    ],
)
def test_prose_lines_are_kept(line):
    assert cleaned(line) == (line,)


def test_caption_credit_and_repeated_caption_go_together():
    caption = "The minister speaks to reporters in the capital, May 3, 2022."
    assert cleaned(PROSE, f"{caption}\nJane Doe | Reuters\n{caption}", "Next paragraph.") == (PROSE, "Next paragraph.")


def test_embedded_tweet_and_its_signature_go_together():
    tweet = ["He wrote on Twitter:", "Great talks today with @partner on our next steps",
             "— A. Minister (@aminister) December 31, 2021", PROSE]
    assert cleaned(*tweet) == ("He wrote on Twitter:", PROSE)


def test_bullets_lose_their_marker_and_become_paragraphs():
    assert cleaned("  • First point here.\n  - Second point here.\n* Third point here.") == (
        "First point here.", "Second point here.", "Third point here.")
    # a list run into one line: each item after a sentence's end is a paragraph of its own
    assert cleaned('* AP - "Confirmed deaths passed 121,000." * BBC - "At least 124,000 are dead." • UN - "Nearly 150,000."') == (
        'AP - "Confirmed deaths passed 121,000."', 'BBC - "At least 124,000 are dead."', 'UN - "Nearly 150,000."')
    assert cleaned("He wrote *this* in 2010. * Not a list: the line has no bullet of its own.") == (
        "He wrote *this* in 2010. * Not a list: the line has no bullet of its own.",)


def test_repeated_lines_keep_the_first():
    assert cleaned(PROSE, "Another sentence.", "  " + PROSE.upper() + " ") == (PROSE, "Another sentence.")


def test_whitespace_is_normalised_and_hard_wrapped_lines_join():
    assert cleaned("The  council\u00a0approved the\nbudget on Monday.\nIt was late.") == (
        "The council approved the budget on Monday.", "It was late.")



def test_an_article_of_clutter_only_is_skipped_with_a_notice():
    articles, notices = clean.clean([article("Source link", "Copyright X"), article(PROSE, id="b", path="b.txt")])
    assert [a.id for a in articles] == ["b"]
    assert notices == [Notice("a.txt", "no article text left after cleaning", skipped=True)]


# --- cross-corpus rules ------------------------------------------------------------------------

PLUG = "Sign up to our morning briefing to get the news first every day."


def outlet_articles(outlet: str | None, count: int, plug_in: int) -> list[Article]:
    return [
        article(f"Story number {n} has its own opening sentence.", *([PLUG] if n < plug_in else []),
                outlet=outlet, id=f"{outlet}-{n}", path=f"{outlet}-{n}.txt")
        for n in range(count)
    ]


def test_a_line_in_many_articles_of_one_outlet_is_boilerplate():
    articles, notices = clean.clean(outlet_articles("Herald", 6, plug_in=5) + outlet_articles("Times", 4, plug_in=4))
    assert notices == []
    herald = [a for a in articles if a.outlet == "Herald"]
    assert all(PLUG not in a.paragraphs for a in herald)
    assert all(PLUG in a.paragraphs for a in articles if a.outlet == "Times")  # four articles are too few to tell
    assert [a.id for a in articles] == [f"Herald-{n}" for n in range(6)] + [f"Times-{n}" for n in range(4)]


def test_long_sentences_shared_by_a_few_updates_of_one_story_are_kept():
    shared = ("The minister said on Monday that the talks, which began last week in Geneva, would go on "
              "until both sides had agreed on a timetable for the withdrawal of troops from the border region.")
    updates = [article(f"Update {n}: the talks go on.", shared, outlet="Herald", id=f"u{n}") for n in range(6)]
    articles, _ = clean.clean(updates)
    assert all(shared in a.paragraphs for a in articles)


def test_boilerplate_needs_half_of_the_outlets_articles_and_a_known_outlet():
    articles, _ = clean.clean(outlet_articles("Herald", 12, plug_in=5))
    assert sum(PLUG in a.paragraphs for a in articles) == 5  # 5 of 12 is under half
    articles, _ = clean.clean(outlet_articles(None, 4, plug_in=4))
    assert all(PLUG in a.paragraphs for a in articles)  # no outlet: copies of one wire story keep their text


def test_lines_that_differ_in_numbers_are_not_one_boilerplate_line():
    stories = [article(f"The toll rose to {n}0 on day {n}.", outlet="Herald", id=str(n)) for n in range(1, 5)]
    articles, notices = clean.clean(stories)
    assert notices == [] and [a.paragraphs for a in articles] == [s.paragraphs for s in stories]


def test_duplicate_ids_get_a_suffix_and_a_notice():
    articles, notices = clean.clean([article(PROSE, id="a", path="a.txt"), article(PROSE, id="a", path="a.md")])
    assert articles[0].id == "a" and articles[1].id.startswith("a-") and len({a.id for a in articles}) == 2
    assert len(notices) == 1 and not notices[0].skipped and notices[0].path == "a.md"


# --- properties and real data ----------------------------------------------------------------

line_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(line_text, min_size=1, max_size=4).map("\n".join), min_size=1, max_size=6))
def test_kept_text_is_verbatim_input_text(paragraphs):
    flat = " ".join(" ".join(paragraphs).split())
    for paragraph in cleaned(*paragraphs):
        assert paragraph and paragraph == " ".join(paragraph.split())
        assert paragraph in flat


@pytest.mark.data
def test_cleaning_keeps_almost_all_text_of_real_articles():
    path = DATA / "ecbplus" / "clustering.jsonl"
    if not path.is_file():
        pytest.skip(f"shared data not found at {path}")
    raw = [read.article_from_record(json.loads(line)) for line in path.open(encoding="utf-8")]
    before = sum(len(a.text) for a in raw)
    each = [clean.clean_article(a) for a in raw]
    assert sum(len(a.text) for a in each) >= 0.9 * before
    corpus, notices = clean.clean(raw)
    assert sum(len(a.text) for a in corpus) >= 0.9 * before
    assert not [n for n in notices if n.skipped] and len(corpus) == len(raw)


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab -•*|\u00a0\u2003\t\n.")), max_size=30), min_size=1, max_size=4))
def test_the_word_count_of_a_split_line_is_the_count_of_its_words(paragraphs):
    # The rules count a line's words by its spaces; _split_lines must leave single inner spaces.
    for line in clean._split_lines(paragraphs):
        assert clean._words(line.text) == len(line.text.split())


@given(st.lists(st.text(alphabet=st.sampled_from(list("aB -\u00a0\u2003\t\n.ß")), max_size=40), min_size=1, max_size=4))
def test_a_paragraph_key_holds_the_word_count_of_the_line_and_its_hash(paragraphs):
    # The outlet rule reads a paragraph's word count from its key; equal lines share a key.
    keys = clean.paragraph_keys(article(*paragraphs, outlet="Herald"))
    for paragraph, key in zip(paragraphs, keys, strict=True):
        assert key & 0xFF == min(len(clean._key(paragraph).split()), 255)
        assert key == clean.paragraph_keys(article(" " + paragraph.upper() + " ", outlet="Herald"))[0] or (
            clean._key(paragraph) != clean._key(" " + paragraph.upper() + " ")
        )
    assert clean.paragraph_keys(article(*paragraphs)) == ()  # no outlet: never compared
