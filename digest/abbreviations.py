"""Which words ending in a full stop are abbreviations, for the sentence splitter.

nupunkt's model learned its 5,865 abbreviations from legal and government text, and about 640
of them are ordinary English words: "week", "chest", "bank", "york", "reports", "ago", "all".
Punkt keeps an abbreviation's full stop inside the sentence when a capitalised word that is
not a common sentence opener follows, so "He died last week. Smith said ..." and "shot in the
chest. Police said ..." stayed one sentence, and a briefing could show two sentences as one
point. `sentences` takes the ordinary words out of the model (`ORDINARY`, made by running this
module) and adds the abbreviations of news copy it lacks (`NEWS`: "Lt.", "Cmdr.", "Mme", and
Czech and Greek ones: "např.", "π.μ.").

Run `python -m digest.abbreviations` (needs wordfreq) to write the list again: a word of the
model's list is ordinary when it is all letters, has two or more, is not in `NEWS` and is used
at least once per million words of English (wordfreq's Zipf frequency 3). Genuine
abbreviations that common ("corp", "sept", "gov", "calif") are in `NEWS`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

ORDINARY_FILE = Path(__file__).with_name("ordinary_words.txt")
MIN_ZIPF = 3.0  # once per million words

# Abbreviations of news copy: kept where the model has them, added where it does not. Words
# that are also common in running text ("ill", "miss", "mass", "wash" for the states, "sun",
# "sat", "wed" for the days, "art", "cent", "fed", and "vol", a flight in French) are left out:
# a sentence ending in one of them is far more common in news than the abbreviation before a
# capitalised word.
NEWS = frozenset(
    """
    mr mrs ms messrs mme mmes mlle mlles dr drs prof profs rev hon sen sens rep reps gov govs
    gen gens lt col maj capt cmdr cdr sgt cpl pvt adm brig supt insp det ofc pres amb sr jr st
    ste sts fr esq atty dist const dep inf
    jan feb mar apr jun jul aug sep sept oct nov dec tue tues thu thur thurs fri
    ala ariz ark calif colo conn del fla ga kan kans ky la md mich minn mo mont neb nebr nev
    okla ore oreg pa penn tenn tex va vt wis wisc wyo
    inc corp co cos ltd plc bros assn dept depts govt univ intl natl mfg hwy ave blvd rd ft mt
    pt pkwy sq bldg
    no nos vs etc approx est fig figs pp ed eds cf ca al et op cit ibid seq viz incl
    supra prop ext avg lb lbs oz mi gal qt tbsp tsp hr hrs yr yrs min sec
    """.split()
) | frozenset(
    # the other languages' common abbreviations that a model trained on English lacks: Czech
    # (např. "for example", tzv. "so-called", mld. "billion" ...) and Greek (π.μ. "a.m.")
    """
    např tzv atd resp tj mj apod popř tzn cca mld mil tis str sv
    π.μ μ.μ π.χ κ.λπ
    """.split()
)


def _read_ordinary() -> frozenset[str]:
    lines = ORDINARY_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


ORDINARY = _read_ordinary()


def ordinary_words(abbreviations: frozenset[str], zipf: Callable[[str], float]) -> list[str]:
    """The words of `abbreviations` that are ordinary English words (`zipf`: word -> Zipf frequency)."""
    return sorted(a for a in abbreviations if a.isalpha() and len(a) >= 2 and a not in NEWS and zipf(a) >= MIN_ZIPF)


def main() -> None:
    from importlib.metadata import version

    import nupunkt
    from wordfreq import zipf_frequency

    model = nupunkt.load_default_model()
    words = ordinary_words(model.abbreviations, lambda word: zipf_frequency(word, "en"))
    header = (
        f"# Ordinary English words that nupunkt {version('nupunkt')}'s model takes for abbreviations:\n"
        f"# all letters, used at least {MIN_ZIPF:g} on wordfreq {version('wordfreq')}'s Zipf scale,\n"
        "# not in digest.abbreviations.NEWS. Written by `python -m digest.abbreviations`.\n"
    )
    ORDINARY_FILE.write_text(header + "".join(w + "\n" for w in words), encoding="utf-8")
    print(f"{len(words)} of the model's {len(model.abbreviations)} abbreviations are ordinary words -> {ORDINARY_FILE}")


if __name__ == "__main__":
    main()
