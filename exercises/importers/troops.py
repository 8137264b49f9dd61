"""Troop figures in MME's free text: which numbers are figures, and which is the exercise's.

Troop figures
    MME has troop numbers only as free text. The texts that mention troops with a number are kept in
    ``troops_text``; figures are taken only where the wording is clear: "[qualifier] number [up to four
    words] troop noun" ("more than 1,000 personnel", "about 5000 soldiers", "2,500 French, British and
    U.S. troops", "45 thousand military personnel"). "more than", "over", "at least" give at least;
    "about", "some", "around", "approximately", "nearly", "almost", "close to", "estimated" give about;
    "up to", "no more than", "as many as" give up to; none gives exact. Numbers in words, figures
    written after their noun and "armoured personnel carriers" stay text. Each figure is
    ``basis=reported``, ``is_extracted``, cited with the matched phrase. It is the exercise's reported
    figure only when it is the row's only figure and counts the whole exercise: the words between
    number and noun are generic ("military", "army and navy"), not a nationality ("1,200 U.S. troops"
    counts one participant), and no other number of people is joined to it by "and" ("about 140 army
    and 120 air force personnel"). Extraction is a reading aid: ``is_extracted`` says to check the text.
"""

import re
from dataclasses import dataclass

from exercises.choices import Qualifier


@dataclass(frozen=True)
class Figure:
    """A troop figure taken from MME's free text."""

    column: str
    phrase: str
    qualifier: str
    value: int
    whole: bool

    @property
    def bounds(self) -> tuple[int | None, int | None]:
        """``(low, high)`` as the model's constraint wants them for this qualifier."""
        if self.qualifier == Qualifier.AT_LEAST:
            return self.value, None
        if self.qualifier == Qualifier.UP_TO:
            return None, self.value
        return self.value, self.value


_QUALIFIERS = {
    "more than": Qualifier.AT_LEAST,
    "over": Qualifier.AT_LEAST,
    "at least": Qualifier.AT_LEAST,
    "in excess of": Qualifier.AT_LEAST,
    "upwards of": Qualifier.AT_LEAST,
    "about": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "nearly": Qualifier.ABOUT,
    "almost": Qualifier.ABOUT,
    "close to": Qualifier.ABOUT,
    "an estimated": Qualifier.ABOUT,
    "estimated": Qualifier.ABOUT,
    "up to": Qualifier.UP_TO,
    "no more than": Qualifier.UP_TO,
    "as many as": Qualifier.UP_TO,
}
_TROOP_NOUNS = (
    r"troops|soldiers|personnel|servicemen|servicewomen|service\s+members|men|marines|sailors|seamen|airmen"
    r"|paratroop(?:er)?s|participants|officers|reservists|army-?men|peacekeepers|commandos|conscripts"
)
#: Words that end a figure's phrase: the number counts these, not people.
_NOT_PEOPLE = (
    r"(?:war)?ships?|vessels?|aircraft|planes?|jets?|fighters?|helicopters?|tanks?|vehicles?|guns?|submarines?"
    r"|boats?|craft|sorties|countries|nations|states|member-states|armies|units?|days?|weeks?|months?|years?"
    r"|hours?|miles?|kilomet(?:er|re)s?|km|each|per"
)
_QUALIFIER_WORDS = "|".join(q.replace(" ", r"\s+") for q in sorted(_QUALIFIERS, key=len, reverse=True))
_WORD = r"(?:(?!(?:" + _NOT_PEOPLE + r")\b)[^\W\d][\w.'’&/-]*,?\s+)"
_FIGURE = re.compile(
    r"(?<![\w.,/-])"
    rf"(?:(?P<qualifier>{_QUALIFIER_WORDS})\s+)?"
    r"(?P<number>\d{1,3}(?:,\s?\d{3})+|\d+)(?P<thousand>\s+thousand)?\s+"
    rf"(?P<between>{_WORD}{{0,4}}?)"
    rf"(?P<noun>{_TROOP_NOUNS})\b(?!\s+(?:each|carriers?)\b)",
    re.IGNORECASE,
)
#: A number of people just before, joined by "and" ("140 army and 120 air force personnel"): a part.
_JOINED = re.compile(rf"\d[\d,]*(?:\s+thousand)?\s+{_WORD}{{1,4}}and\s+$", re.IGNORECASE)
#: Words between number and noun that keep a figure about the whole exercise.
_GENERIC = {"military", "service", "armed", "army", "navy", "naval", "air", "force", "forces", "sea", "land"}
_GENERIC |= {"ground", "amphibious", "and", "combat", "multinational", "allied", "total"}
_NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundreds?|thousands?"
_QUANTITY = rf"(?:\d|\b(?:{_NUMBER_WORDS}|dozens?)\b)"
_PEOPLE = rf"\b(?:{_TROOP_NOUNS}|people)\b"
_MENTION = re.compile(rf"{_QUANTITY}[^;\n]{{0,60}}?{_PEOPLE}|{_PEOPLE}[^;\n]{{0,60}}?{_QUANTITY}", re.IGNORECASE)


def extract_troop_figures(value: str, column: str) -> list[Figure]:
    """The clear troop figures in ``value`` (see the module docstring for what counts as clear)."""
    figures = []
    for match in _FIGURE.finditer(value):
        number = int(re.sub(r"\D", "", match["number"])) * (1000 if match["thousand"] else 1)
        qualifier = _QUALIFIERS[" ".join(match["qualifier"].lower().split())] if match["qualifier"] else "exact"
        between = {word.strip(",").lower() for word in match["between"].split()}
        whole = between <= _GENERIC and not _JOINED.search(value[: match.start()])
        figures.append(Figure(column, " ".join(match[0].split()), qualifier, number, whole))
    return figures


def mentions_troops(value: str) -> bool:
    """Whether ``value`` gives a number of people (in digits or words) near a troop noun."""
    return bool(_MENTION.search(value))
