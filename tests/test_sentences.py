"""Sentence splitting: offsets into Article.text always hold, and scripts other than Latin split well."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.models import Article
from digest.sentences import split


def article(*paragraphs: str) -> Article:
    return Article(id="a", title="", paragraphs=paragraphs)


def texts(*paragraphs: str) -> list[str]:
    return [s.text for s in split(article(*paragraphs))]


def assert_well_formed(a: Article) -> None:
    found = split(a)
    assert [s.index for s in found] == list(range(len(found)))
    previous_end = 0
    for s in found:
        assert a.text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert "\n\n" not in s.text  # never across a paragraph
        assert s.start >= previous_end
        previous_end = s.end


def seed_articles() -> list[Article]:
    """The seeds, one line a paragraph: enough to test splitting without the read stage."""
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        found.append(Article(id=path.stem, title=lines[0], paragraphs=tuple(lines[1:])))
    return found


def test_seed_offsets_point_at_the_sentence_text():
    for a in seed_articles():
        assert_well_formed(a)
        assert len(split(a)) >= len(a.paragraphs)


def test_english_abbreviations_do_not_end_a_sentence():
    assert texts("U.S. officials met on Friday. Mr. Biden said the U.S. would respond.") == [
        "U.S. officials met on Friday.",
        "Mr. Biden said the U.S. would respond.",
    ]


@pytest.mark.parametrize(
    "first, second",
    [  # nupunkt's model takes each of these last words for an abbreviation
        ("He was shot in the chest.", "Obama called it a tragedy."),
        ("They spoke after the call.", "Zelensky said the talks went well."),
        ("The company is based in New York.", "Police said nobody was hurt."),
        ("He was hurt, the Advocate reports.", "Bush tweaked his left knee."),
        ("Shares rose 5 per cent.", "Analysts expected more."),
        ("The crew was held at gunpoint.", "Officers freed them on Friday."),
    ],
)
def test_an_ordinary_word_before_a_name_ends_the_sentence(first, second):
    assert texts(f"{first} {second}") == [first, second]


@pytest.mark.parametrize(
    "sentence",
    [
        "Troy police Lt. Tim Fanning said the gunman was seeking them.",  # one the model lacks
        "Los Angeles County Dist. Atty. Steve Cooley said he expected a murder charge.",
        "Sen. John Kerry spoke in St. Louis on Tuesday.",
        "Microsoft Corp. said on Feb. 11 that approx. 5 million users were hit.",
        "Vancouver police Const. Tim Fanning told a news conference.",
        "Mme Lagarde met Gov. Brown in Sacramento, Calif. on Monday.",
        "Vláda schválila tzv. Pražský plán a další kroky.",  # Czech and Greek ones the English model lacks
        "Ο μετασεισμός έγινε στις 08:32:22 UTC (04:32:22 π.μ. Τοπική ώρα) στη Χιλή.",
    ],
)
def test_abbreviations_of_news_stay_inside_the_sentence(sentence):
    assert texts(sentence) == [sentence]


def test_the_ordinary_words_are_words_and_no_abbreviation_of_news():
    from digest import abbreviations

    assert len(abbreviations.ORDINARY) > 500
    assert all(word.isalpha() and word == word.lower() for word in abbreviations.ORDINARY)
    assert not abbreviations.ORDINARY & abbreviations.NEWS
    assert {"week", "chest", "york", "reports", "cent"} <= abbreviations.ORDINARY


@pytest.mark.parametrize(
    "sentence",
    [
        "The number after the process name (in this case, iexplore. exe) is its ID.",
        "हैती की महिलाओं को विश्व खाद्य कार्यक्रम (डबल्यू. एफ़.पी) ने खाना वितरण करना शुरू कर दिया है।",
        "דובר מטעם הוועד האולימפי הבינלאומי (איי. או.סי) אמר כי הארגון מודאג.",
    ],
)
def test_a_full_stop_inside_brackets_that_the_next_word_closes_ends_no_sentence(sentence):
    assert texts(sentence) == [sentence]
    assert texts("He left (early). Smith stayed.") == ["He left (early).", "Smith stayed."]


def test_a_decimal_whose_point_was_spaced_out_does_not_end_a_sentence():
    assert texts("Thieves took a two-million-euro ($2. 6-million) booty, police said. Nobody was hurt.") == [
        "Thieves took a two-million-euro ($2. 6-million) booty, police said.",
        "Nobody was hurt.",
    ]
    assert texts("In March an 8. 6-magnitude quake struck off Sumatra.") == ["In March an 8. 6-magnitude quake struck off Sumatra."]
    assert texts("He was born in 1990. 2000 people came to the funeral.") == [  # a year ends the sentence
        "He was born in 1990.",
        "2000 people came to the funeral.",
    ]


def test_stops_typed_again_after_a_sentence_end_are_left_out():
    assert texts("He warned against any invasion of this country. . Talks resume on Monday. ..") == [
        "He warned against any invasion of this country.",
        "Talks resume on Monday.",
    ]
    assert texts("Is it over?! ? Not yet…") == ["Is it over?!", "Not yet…"]
    assert texts("Wait . . . and see.") == ["Wait . . . and see."]  # inside a sentence: kept


def test_devanagari_danda_and_a_pipe_typed_for_it_end_sentences():
    assert texts("पहला वाक्य है। दूसरा वाक्य है।") == ["पहला वाक्य है।", "दूसरा वाक्य है।"]
    assert texts("लोगों ने जान गँवाई थी | इस दिन बम फटे थे |") == ["लोगों ने जान गँवाई थी |", "इस दिन बम फटे थे |"]


def test_a_full_stop_without_space_splits_scripts_without_capitals():
    assert texts("वे सभी ब्रिटिश नागरिक हैं.चार कथित हमलावर थे.") == ["वे सभी ब्रिटिश नागरिक हैं.", "चार कथित हमलावर थे."]
    assert texts("وقع الاعتداء يوم الخميس.كما تم العثور على المتفجرات.") == [
        "وقع الاعتداء يوم الخميس.",
        "كما تم العثور على المتفجرات.",
    ]


def test_dotted_acronyms_in_scripts_without_capitals_stay_inside_the_sentence():
    found = texts("सम्मेलन में सी.ओ.पी. और सी.एम.पी. की बैठकें हुईं. दूसरा वाक्य.")
    assert found == ["सम्मेलन में सी.ओ.पी. और सी.एम.पी. की बैठकें हुईं.", "दूसरा वाक्य."]


def test_a_blank_line_inside_a_paragraph_ends_the_sentence():
    assert texts("Officials met\n\nin Geneva on Monday.") == ["Officials met", "in Geneva on Monday."]
    assert texts("सी.ओ.पी.\n \nदूसरा वाक्य.") == ["सी.ओ.पी.", "दूसरा वाक्य."]


def test_arabic_question_mark_ends_a_sentence():
    assert texts("هل انتهى الاجتماع؟ نعم انتهى.") == ["هل انتهى الاجتماع؟", "نعم انتهى."]


PIECES = list("abc XYZ.?!|।؟\"'  \t\u00a0\n") + ["हैं", "الخميس", "U.S.", "סי.אם."]
PARAGRAPH = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=80, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=4))
def test_offsets_hold_for_any_text(paragraphs):
    assert_well_formed(article(*paragraphs))


@pytest.mark.data
def test_offsets_hold_on_every_tac_article(shared_data):
    path = shared_data / "tac2011-multiling" / "mds_all_languages.jsonl"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            for record in json.loads(line)["articles"]:
                paragraphs = tuple(p for p in record["text"].split("\n\n") if p.strip())
                assert_well_formed(Article(id="t", title="", paragraphs=paragraphs))


def test_the_quick_script_check_never_skips_a_sentence_end_it_should_find():
    # _EXTRA_END only runs on sentences that _EXTRA_SCRIPTS finds a character in: every character
    # its look-behinds need must be one of those.
    import regex

    from digest.sentences import _EXTRA_SCRIPTS

    needed = regex.compile(r"[\u0964\u0965\u061f\u06d4\u3002\uff01\uff1f\p{Arabic}\p{Hebrew}\p{Devanagari}]")
    missed = [hex(c) for c in range(0x110000) if needed.match(chr(c)) and not _EXTRA_SCRIPTS.match(chr(c))]
    assert not missed


DATELINES = [
    ("Σάββατο, 8 Ιανουαρίου 2005", "Οι Αμερικανοί πολίτες έκαναν δωρεές."),
    ("शनिवार, जुलाई 7, 2007", "लगभग पंाच लाख लोग लंदन की सडकों पर थे।"),
    ("שבת, ה-15 לינואר, 2005", "בטקסס מצא בית משפט צבאי את החייל אשם."),
    ("मंगलवार, जनवरी १२, २०१०", "अमरीका के भूवैग्यानिक सर्वेक्षण के अनुसार भूकंप आया।"),
    ("WASHINGTON (AP) —", "The Senate voted on Monday."),
    ("TEXAS, US –", "A United States Army court martial found him guilty."),
    ("LONDON, England (CNN) --", "Police said the man was arrested."),
    ("AP -", '"The confirmed death toll passed 124,000," officials said.'),
    ("Samedi 8 janvier 2005 PARIS (AFP) -", "Le président a parlé."),
]
# a time, or a stamp, after the date: web copies of news pages
TIMED_DATELINES = [
    ("17 September 2013-21: 29", "Normally, Microsoft releases security bulletins on Tuesdays."),
    ("June 6, 2014 3: 06 PM EDT", "Esther Williams, swimming champion and actress, has died."),
    ("23 July 2013 Last updated at 13: 42 GMT", "A man has denied arson following a fire at a supermarket."),
    ("Jan. 5, 2014 – 4: 38 PM", "Shane Vereen was put on injured reserve, the team announced."),
]


@pytest.mark.parametrize("dateline, lead", DATELINES + TIMED_DATELINES)
def test_a_dateline_run_into_the_first_sentence_is_a_sentence_of_its_own(dateline, lead):
    assert texts(f"{dateline} {lead}", "More text follows here.") == [dateline, lead, "More text follows here."]
    if (dateline, lead) in DATELINES:  # (a written date with a time is a stamp anywhere)
        assert texts("Some first paragraph.", f"{dateline} {lead}")[1:] == [f"{dateline} {lead}"]  # only at the start


@pytest.mark.parametrize(
    "first",
    ["On 3 May 2007 the council voted to close the plant.", "Room 12 holds 2000 people, officials said.",
     "US - China talks resumed on Monday.", "NATO - the alliance said it would meet.",
     "Saturday, 28 September 2013 01:43 the jury returned."],
)
def test_a_first_sentence_that_starts_with_a_date_or_a_name_in_capitals_is_whole(first):
    assert texts(first) == [first]


@pytest.mark.parametrize(
    "stamp",
    ["Published: 09th June 2013", "Saturday, 28 September 2013 01: 43", "Thursday, March 19, 2011",
     "Updated on June 9, 2013 at 10:32 a.m. EST |", "Posted 2022-01-03", "9 / 10 / 2010 @ 1: 19PM",
     "12 January 2010 @ 09: 29 pm", "11 / 09 / 2010", "8 / 2 / 14 at 1: 31 PM", "Published April 24th 2013-17: 59",
     "Published at 15: 48, Friday, 15 January 2016", "July 21, 2013, 2: 21 pm BST",
     # as ECB+ articles open (web pages copied with their furniture)
     "Last updated at 13: 42 GMT", "Last updated 18: 51 18 / 12 / 2016", "Updated 8: 52 PM EDT",
     "Posted on Thu Jun 13, 2013 08: 45 AM PDT", "Posted on: 3: 36 pm, November 24, 2013",
     "Posted: 08 / 02 / 2013 11: 10 am EDT", "13: 53 p. m. EDT May 2, 2014", "- 4: 46 pm", "– 4: 38 PM",
     "- - Updated 0948 GMT (1748 HKT)", "First Published: August 14, 2014 4: 50 PM EDT",
     "Published Monday, June 4, 2012 5: 55PM EDT", "Posted on Jul 16, 2012 6: 08: 16 PM GMT+02: 00", "2013-09-26",
     "(GMT+05: 00)", "Friday, Sep 10, 2010 | Updated 8: 52 PM EDT"],
)
def test_a_publication_stamp_run_into_a_paragraph_is_a_sentence_of_its_own(stamp):
    prose = "The council approved the budget on Monday after a long debate."
    assert texts("Some first paragraph.", f"{stamp} {prose}") == ["Some first paragraph.", stamp, prose]


def test_a_day_or_date_inside_a_paragraph_is_left_alone_unless_a_new_sentence_follows_it():
    for line in ("Friday, January 7, 2022 was the day the talks began.", "Monday, the minister said the talks went on.",
                 "Saturday, 28 September 2013 01:43 the jury returned.", "11/09/2010 was a turning point for the council.",
                 "May 5, 2013 The talks began in Geneva.", "4: 30 am is when the first train leaves the depot.",
                 "10: 30 a man was seen near the depot, police said.", "- 9.11 Commission members met on Monday."):
        assert texts("Some first paragraph.", line)[1:] == [line]
