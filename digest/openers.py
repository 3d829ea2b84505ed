"""What opens an article or a paragraph before its first sentence: a dateline or a publication stamp.

The sentence splitter makes each a sentence of its own, so that no summary point starts with
"शनिवार, जुलाई 7, 2007", "WASHINGTON (AP) —" or "Published: 09th June 2013", while the article
keeps the date and place that event grouping reads (cutting them from the text cost TAC event
grouping 7 points of B-cubed F1: there they are the only date).
"""

from __future__ import annotations

import re

_HOURS = r"\d{1,2}\s?[:.]\s?\d{2}(?:\s?:\s?\d{2})?"  # "10:32", "1: 19", "6: 08: 16"
_AM_PM = r"\s?[aApP](?:\.\s?)?[mM]\.?"  # "PM", " pm", " p. m."
_CLOCK = rf"{_HOURS}(?:{_AM_PM})?"
# "GMT", "EDT", "GMT+02:00"
_ZONE = r"(?-i:(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?:\s?:\s?\d{1,2})?|GMT|UTC|BST|CES?T|[ECMP][SD]T|AES?T|AEDT|IST|HKT|ET|PT)\b"


def opener_end(paragraph: str, first: bool) -> int:
    """Where the publication stamp that opens `paragraph` ends or, in an article's `first`
    paragraph, its dateline; 0 when nothing opens it."""
    end = _stamp_end(paragraph, 0) or (_dateline_end(paragraph) if first else 0)
    if not end:
        return 0
    # a stamp may follow the dateline or another stamp: "23 July 2013 Last updated at 13: 42 GMT A man ..."
    return _stamp_end(paragraph, end) or end


def is_stamp(text: str) -> bool:
    """Whether `text` is nothing but a publication stamp ("PUBLISHED: 16: 05 GMT, 9 June 2013 |")."""
    return 0 < len(text.rstrip()) <= _stamp_end(text, 0)


def _stamp_end(paragraph: str, start: int) -> int:
    """Where the publication stamp at `start` of `paragraph` ends (0: none), maybe after dashes."""
    start = _DASHES.match(paragraph, start).end()
    first = paragraph[start : start + 1]
    stamp = _STAMP.match(paragraph, start) if first.isalnum() or first == "(" else None
    return stamp.end() if stamp else 0


# A dateline in any language at the very start of an article: up to three words (a weekday,
# "Le"), then a day and a month name or a month name and a day, then a year, as news wires
# and WikiNews open their copy ("Samedi 8 janvier 2005", "शनिवार, जुलाई 7, 2007 लगभग ...");
# Hebrew may glue a prefix to the day ("שבת, ה-15 לינואר, 2005").
_WORDS = r"(?:[^\s\d]+[\s,.\u200b]+)"
_DATELINE = re.compile(
    rf"\W*{_WORDS}{{0,3}}(?:(?:[^\W\d_]{{1,2}}-?)?(?P<day>\d{{1,2}})(?:er|st|nd|rd|th|\.)?[\s,.\u200b]+{_WORDS}{{1,2}}"
    rf"|{_WORDS}{{1,2}}(?P<day2>\d{{1,2}})[\s,.\u200b]+)(?P<year>\d{{4}})(?!\d)"
    rf"(?P<time>(?:[\s,]+|\s*[-–]\s*){_CLOCK}(?!\d)(?:\s+{_ZONE})?)?[\s,.]*"  # and a time: "2013-21: 29", "3: 06 PM EDT"
)
MAX_DATELINE_WORDS = 6
# A wire dateline: a place in capitals and maybe the agency, or the agency alone, then a dash
# ("WASHINGTON (AP) —", "TEXAS, US –", "LONDON, England (CNN) --", "AP -"). A bare capital word
# before a plain hyphen is not one ("US - China talks").
_PLACE_DATELINE = re.compile(
    r"(?:\(?(?P<wire>AP|AFP|Reuters|dpa|Xinhua|UPI|CNN|BBC)\)?\s*"
    r"|(?P<place>(?-i:[A-Z][A-Z.'’]+(?:\s+[A-Z][A-Z.'’]+)*))"
    r"(?P<region>(?:,\s*(?-i:[A-Z])[\w.'’]*(?:\s+(?-i:[A-Z])[\w.'’]*)*)?)\s*(?P<agency>\([\w .]{2,20}\)\s*)?)"
    r"(?P<dash>[–—]|--?)\s+(?=(?-i:[A-Z])|[\"“‘'])"
)


def _dateline_end(line: str) -> int:
    """Where the datelines that open `line` end (0: none): a date, a place, or both."""
    end = _date_dateline_end(line)
    place = _PLACE_DATELINE.match(line, end)
    if place and (place["region"] or place["agency"] or place["wire"] or place["dash"] != "-"):
        return place.end()
    return end


def _date_dateline_end(line: str) -> int:
    """Where a date that opens `line` ends (0: none). A sentence that merely starts with a date
    ("On 3 May 2007 the council voted") goes on in lower case, and keeps it."""
    found = _DATELINE.match(line)
    if not found or len(found.group().split()) - len((found["time"] or "").split()) > MAX_DATELINE_WORDS:
        return 0
    if not 1900 <= int(found["year"]) <= 2099:
        return 0
    if not 1 <= int(found["day"] or found["day2"]) <= 31:
        return 0
    rest = line[found.end() :]
    return 0 if rest[:1].islower() else found.end()


# A publication stamp at the start of a line; what follows it (a capital or a quote) is the
# article's own text. A written date needs a label ("Published:", "Updated on") or a weekday
# before it, or a time after it; a numeric one ("9 / 10 / 2010") is a stamp by itself.
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = rf"(?:{_DAY}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+{_DAY},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_NUMERIC_DATE = r"(?:\d{1,2}\s?/\s?\d{1,2}\s?/\s?(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})"  # "9 / 10 / 2010", "2013-09-26"
_TIME = rf"{_CLOCK}(?:\s+{_ZONE}){{0,2}}"  # "10: 08 PM ET EDT"
_AND_TIME = rf"(?:(?:,?\s+(?:at\s+)?|\s*[-–]\s*){_TIME})?"  # "..., 10:32", "... at 10:32", "2013-17: 59"
# A time alone is a stamp when it says am/pm or its zone: "4: 38 PM", "13: 53 p. m. EDT"
_SURE_TIME = rf"(?:{_HOURS}{_AM_PM}(?:\s+{_ZONE})?|{_CLOCK}\s+{_ZONE})"
# A wire's four-digit time in its zone, maybe with a local one: "0948 GMT (1748 HKT)"
_WIRE_TIME = rf"\d{{4}}\s+{_ZONE}(?:\s*\(\d{{4}}\s+{_ZONE}\))?"
_LABEL = r"(?:(?:first |last )?(?:published|updated|posted)(?: on)?:?\s+)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)"  # "Thursday", "Thu"
_ANY_DATE = rf"(?:{_DATE}|{_NUMERIC_DATE})"
_STAMP = re.compile(
    rf"(?:(?:{_LABEL}|{_WEEKDAY})+{_DATE}{_AND_TIME}"
    rf"|{_LABEL}?{_NUMERIC_DATE}{_AND_TIME}"
    # a label and a time, maybe a date after it: "Last updated at 13: 42 GMT", "Updated 18: 51 18 / 12 / 2016",
    # "Published at 15:48, Friday, 15 January 2016", "Updated 0948 GMT (1748 HKT)"
    rf"|{_LABEL}(?:at\s+)?(?:{_TIME}|{_WIRE_TIME})(?:,?\s+{_WEEKDAY}?{_ANY_DATE})?"
    rf"|{_SURE_TIME}(?:,?\s+{_WEEKDAY}?{_ANY_DATE})?"  # "4: 46 pm", "13: 53 p. m. EDT May 2, 2014"
    rf"|{_DATE},?\s+(?:at\s+)?{_TIME}"  # a written date with a time: "July 21, 2013, 2: 21 pm BST"
    rf"|{_DATE}\s*@\s*{_TIME}|{_NUMERIC_DATE}\s*@\s*{_TIME}"
    r"|\((?:GMT|UTC)\s?[+-]\s?\d{1,2}(?:\s?:\s?\d{2})?\))"  # a zone alone: "(GMT+05: 00)"
    r"\s*[|·•–—-]?\s*(?=(?-i:[A-Z])|[\"“‘']|$)",
    re.I,
)
_DASHES = re.compile(r"(?:[-–—|]\s*)*")  # a stamp may follow dashes or bars: "- 4: 46 pm", "| Updated 8: 52 PM EDT"
