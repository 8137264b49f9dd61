"""States (ISO 3166-1, plus former states from ISO 3166-3) and named places."""

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from exercises.choices import CodeSystem, LocationKind
from exercises.models.base import NaturalKeyManager, Stamped

__all__ = [
    "CodedStates",
    "Location",
    "State",
    "StateCode",
    "StateName",
    "StatePeriod",
    "UnknownState",
    "UnknownStateCode",
    "normalize_name",
    "state_condition",
]

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_NON_WORD = re.compile(r"[^\w]+")


def normalize_name(text: str) -> str:
    """The key a place or state name is matched on: case, accents, punctuation and ``&`` ignored.

    ``"Côte d’Ivoire"``, ``"cote d'ivoire"`` and ``"COTE D IVOIRE"`` share one key, so does
    ``"St. Vincent & Grenadines"`` with ``"st vincent and grenadines"``.
    """
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text).split())


class UnknownState(LookupError):
    """Raised when a code or name matches no state. ``value`` is what the user typed."""

    def __init__(self, value: str):
        super().__init__(value)
        self.value = value

    def __str__(self):
        return "unknown state (use an ISO 3166 alpha-2 or alpha-3 code, or an English name)"


class UnknownStateCode(UnknownState):
    """Raised for a prefixed code (``cow:999``) that names no state: an unknown system, a malformed code or
    one the list does not hold. ``message`` and ``params`` make the user's error message (the value goes in
    as a parameter, never formatted into the text)."""

    def __init__(self, value: str, message: str, **params):
        super().__init__(value)
        self.message = message
        self.params = {"value": value, **params}

    def __str__(self):
        return self.message % self.params


@dataclass(frozen=True)
class StatePeriod:
    """A state during a period (``start``, ``end``: first and last days; None is open): what a code of a
    political-science state list denotes for a while."""

    state: "State"
    start: dt.date | None
    end: dt.date | None

    def condition(self, field: str, span: tuple[str, str]) -> Q:
        """Rows whose ``field`` is this state and whose span overlaps the period; ``span`` names the lookups of
        the span's first and last days (``exercise__span_start``, ``exercise__span_end``)."""
        first, last = span
        condition = Q(**{field: self.state})
        if self.start is not None:
            condition &= Q(**{f"{last}__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{first}__lte": self.end})
        return condition


@dataclass(frozen=True)
class CodedStates:
    """What a prefixed code (``cow:365``, as the user gave it in ``value``) stands for: each state it has
    denoted, during its period (:class:`StateCode` rows)."""

    value: str
    periods: tuple[StatePeriod, ...]

    @property
    def states(self) -> list["State"]:
        return list({period.state.pk: period.state for period in self.periods}.values())


def state_condition(values, field: str = "state", span: tuple[str, str] | None = None) -> Q:
    """Rows whose ``field`` is one of ``values``, as ``State.objects.resolve(..., periods=True)`` gives them:
    a state (any time), or a code's states each during its period, which must overlap the rows' ``span``
    (the lookups of its first and last days; :meth:`StatePeriod.condition`). Without a span, a code stands
    for each state it has denoted. Plain states make one ``field__in`` condition, as they always did."""
    states = [value for value in values if not isinstance(value, CodedStates)]
    periods = []
    for value in values:
        if isinstance(value, CodedStates):
            if span is None:
                states += value.states
            else:
                periods += [period.condition(field, span) for period in value.periods]
    conditions = [Q(**{f"{field}__in": states})] if states or not periods else []
    conditions += periods
    return conditions[0] if len(conditions) == 1 else Q.create(conditions, connector=Q.OR)


class StateQuerySet(models.QuerySet):
    def resolve(self, values: Iterable[str], *, periods: bool = False) -> dict[str, "State | CodedStates"]:
        """Map each code or name in ``values`` to its state, in one query.

        Accepts ISO alpha-2 and alpha-3 codes of current states, ISO 3166-3 codes of former ones and
        the alpha-3 codes they had (CSK, DDR), and every registered name (ISO short and official
        names, common names such as "Russia"), in any case. Raises :class:`UnknownState` for the first
        value that matches nothing.

        ``periods``: also codes of the political-science state lists, prefixed with their system in any
        case (``cow:365``, ``cow:RUS``, ``gw:260``; :meth:`StateCodeQuerySet.resolve`, one more query when
        there are any), each mapped to :class:`CodedStates`, the states it denoted and when. Without it a
        prefixed code is an unknown state, so callers that need one state (importers, writes) never get
        a period.
        """
        values = [v for v in dict.fromkeys(v.strip() for v in values) if v]
        if periods and any(":" in value for value in values):
            coded = StateCode.objects.db_manager(self.db).resolve([value for value in values if ":" in value])
            named = self.resolve([value for value in values if ":" not in value])
            return {value: coded[value] if ":" in value else named[value] for value in values}
        if not values:
            return {}
        codes = sorted({v.upper() for v in values if len(v) <= 4})
        keys = sorted({normalize_name(v) for v in values})
        # Two index-backed selects in one query (an OR across the join would scan every name),
        # written out because this runs on every filtered request and the ORM's union costs more to
        # compile than the query takes to run.
        state, name = self.model._meta.db_table, StateName._meta.db_table
        columns = ", ".join(f's."{field.column}"' for field in self.model._meta.concrete_fields)
        code_marks = ", ".join(["%s"] * len(codes)) or "NULL"
        key_marks = ", ".join(["%s"] * len(keys))
        sql = (
            f'SELECT {columns}, NULL AS matched_key FROM "{state}" s WHERE NOT s."is_historical" '
            f'AND s."alpha2" IN ({code_marks}) OR s."alpha3" IN ({code_marks}) OR s."code" IN ({code_marks}) '
            f'UNION ALL SELECT {columns}, n."key" AS matched_key FROM "{name}" n '
            f'JOIN "{state}" s ON s."id" = n."state_id" WHERE n."key" IN ({key_marks})'
        )
        params = [*codes, *codes, *codes, *keys]
        rows = list(self.model.objects.db_manager(self.db).raw(sql, params))
        by_code: dict[str, State] = {}
        by_key: dict[str, State] = {}
        # A current state's codes first: a former state's alpha-3 (CSK) names it only where no current
        # state has that code.
        for state in sorted(rows, key=lambda state: state.is_historical):
            if not state.is_historical:
                by_code.setdefault(state.alpha2, state)
            by_code.setdefault(state.alpha3, state)
            by_code.setdefault(state.code, state)
            if state.matched_key:
                by_key.setdefault(state.matched_key, state)
        resolved = {}
        for value in values:
            state = by_code.get(value.upper()) or by_key.get(normalize_name(value))
            if state is None:
                raise UnknownState(value)
            resolved[value] = state
        return resolved

    def lookup(self, value: str) -> "State":
        """The state a single code or name stands for (see :meth:`resolve`)."""
        return self.resolve([value])[value.strip()]

    def suggest(self, value: str, count: int = 3) -> list[str]:
        """The names of the states whose registered names are closest to ``value`` (a misspelling such
        as "Kazakstan"), best first, at most ``count``; for error messages (two queries)."""
        keys = dict(StateName.objects.values_list("key", "state_id"))
        close = difflib.get_close_matches(normalize_name(value), keys, n=count * 3, cutoff=0.8)
        states = self.model.objects.in_bulk({keys[key] for key in close})
        names = [states[keys[key]].common_name or states[keys[key]].name for key in close]
        return list(dict.fromkeys(names))[:count]


class State(Stamped):
    """A state or territory with an ISO 3166 code: current (3166-1) or former (3166-3)."""

    code = models.CharField(
        max_length=4,
        unique=True,
        help_text="Stable identifier: the alpha-3 code for current entries, the ISO 3166-3 "
        "four-letter code for former ones (SUHH for the Soviet Union).",
    )
    alpha2 = models.CharField("ISO alpha-2", max_length=2, db_index=True)
    alpha3 = models.CharField("ISO alpha-3", max_length=3, db_index=True)
    numeric = models.CharField("ISO numeric", max_length=3, blank=True)
    name = models.CharField(max_length=100, help_text="ISO 3166 English short name.")
    common_name = models.CharField(
        max_length=100, blank=True, help_text='The name analysts use, where it differs ("Russia").'
    )
    official_name = models.CharField(max_length=200, blank=True)
    is_historical = models.BooleanField(default=False, help_text="A former state or territory, listed in ISO 3166-3.")
    withdrawn = models.CharField(
        max_length=10, blank=True, help_text="When ISO withdrew the code (ISO 3166-3), as ISO gives it."
    )

    objects = NaturalKeyManager.from_queryset(StateQuerySet)("code")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["alpha2"], condition=Q(is_historical=False), name="state_current_alpha2_unique"
            ),
            models.UniqueConstraint(
                fields=["alpha3"], condition=Q(is_historical=False), name="state_current_alpha3_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_historical=True) | Q(code=models.F("alpha3")),
                name="state_current_code_is_alpha3",
            ),
        ]

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (self.code,)

    @property
    def display_name(self) -> str:
        return self.common_name or self.name


class StateName(models.Model):
    """One name a state goes by (ISO, official, common or historical spelling), for lookups."""

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    key = models.CharField(
        max_length=200, unique=True, editable=False, help_text="normalize_name(name): what lookups match."
    )

    objects = NaturalKeyManager("key")

    class Meta:
        ordering = ["state", "name"]

    def __str__(self):
        return f"{self.name} → {self.state.code}"

    def save(self, *args, **kwargs):
        self.key = normalize_name(self.name)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.key,)

    natural_key.dependencies = ["exercises.state"]


#: How a prefixed code reads: its system, a colon, its number (up to three digits) or its three letters.
CODE_NUMBER = re.compile(r"[0-9]{1,3}")
CODE_LETTERS = re.compile(r"[A-Za-z]{3}")


class StateCodeQuerySet(models.QuerySet):
    def resolve(self, values: Iterable[str]) -> dict[str, CodedStates]:
        """Map each prefixed code (``cow:365``, ``COW:rus``, ``gw:260``) to the states it denoted and when,
        in one query. Raises :class:`UnknownStateCode` for the first value that is malformed, of an
        unknown system or not in its list."""
        wanted: dict[str, tuple[str, str, int | str]] = {}  # value: (system, field, code)
        for value in values:
            prefix, _, code = value.partition(":")
            system, code = prefix.strip().lower(), code.strip()
            if system not in CodeSystem.values:
                raise UnknownStateCode(
                    value, "%(value)s: unknown code system; use cow: (Correlates of War) or gw: (Gleditsch-Ward)."
                )
            if CODE_NUMBER.fullmatch(code):
                wanted[value] = (system, "number", int(code))
            elif CODE_LETTERS.fullmatch(code):
                wanted[value] = (system, "letters", code.upper())
            else:
                raise UnknownStateCode(
                    value,
                    "%(value)s is not a %(system)s state code: give its number (%(prefix)s:365) or its three "
                    "letters (%(prefix)s:RUS).",
                    system=CodeSystem(system).label,
                    prefix=system,
                )
        if not wanted:
            return {}
        conditions = [Q(system=system, **{field: code}) for system, field, code in wanted.values()]
        rows = list(self.filter(Q.create(conditions, connector=Q.OR)).select_related("state"))
        resolved = {}
        for value, (system, field, code) in wanted.items():
            periods = tuple(
                StatePeriod(row.state, row.valid_from, row.valid_to)
                for row in rows
                if row.system == system and getattr(row, field) == code
            )
            if not periods:
                raise UnknownStateCode(
                    value, "%(value)s is not a %(system)s state code.", system=CodeSystem(system).label
                )
            resolved[value] = CodedStates(value, periods)
        return resolved


class StateCode(models.Model):
    """A state's code in a political-science state list (Correlates of War, Gleditsch-Ward) during one
    period in which it denotes one of our ISO states: CoW 365 is the Soviet Union from 30 December 1922 to
    25 December 1991, Russia before and after.

    Built from the R countrycode package's copies of the lists (``fixtures/state_codes.json``, generated
    by ``manage.py build_state_codes``; the source ``countrycode-r-package``). The lists give years: a period
    runs from 1 January of its first year to 31 December of its last, except at the changes of state
    the generator dates to the day (German unification, the end of the USSR ...). An empty end is open:
    the list's first year (1816) or its last (the state is still in it).
    """

    system = models.CharField(max_length=3, choices=CodeSystem.choices)
    number = models.PositiveSmallIntegerField(help_text="The numeric code (CoW ccode, GW gwn).")
    letters = models.CharField(
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Three capital letters.")],
        help_text="The three-letter code (CoW stateabb, GW gwc); empty where the list gives none.",
    )
    name = models.CharField(max_length=100, help_text='The list\'s own name for the state ("German Federal Republic").')
    state = models.ForeignKey(
        State, on_delete=models.CASCADE, related_name="codes", help_text="The ISO state the code denotes then."
    )
    valid_from = models.DateField(null=True, blank=True, help_text="First day; empty: from the list's start.")
    valid_to = models.DateField(null=True, blank=True, help_text="Last day; empty: open (still in the list).")

    objects = NaturalKeyManager.from_queryset(StateCodeQuerySet)("system", "number", "valid_from")

    class Meta:
        ordering = ["system", "number", F("valid_from").asc(nulls_first=True)]
        indexes = [models.Index(fields=["system", "letters"], name="statecode_letters_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(system__in=CodeSystem.values), name="statecode_system_known"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="statecode_period_order",
            ),
            # A code's periods start on different days; at most one of them is open at the start.
            models.UniqueConstraint(fields=["system", "number", "valid_from"], name="statecode_period_unique"),
            models.UniqueConstraint(
                fields=["system", "number"], condition=Q(valid_from__isnull=True), name="statecode_open_start_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_system_display()} {self.number} {self.letters} ({self.name}): {self.state}, {self.period}"

    def natural_key(self):
        return (self.system, self.number, self.valid_from)

    natural_key.dependencies = ["exercises.state"]

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether the period overlaps the span from ``start`` to ``end`` (an exercise's; None: unknown), as
        the filters' condition has it (:meth:`StatePeriod.condition`): an open end of the period lasts, an
        unknown end of the span meets only an open one."""
        after_start = self.valid_from is None or (end is not None and self.valid_from <= end)
        before_end = self.valid_to is None or (start is not None and self.valid_to >= start)
        return after_start and before_end

    @property
    def period(self) -> str:
        """The period in words: "1922-12-30 to 1991-12-25", "from 1991-12-26", "until 1922-12-29", "always"."""
        start, end = self.valid_from, self.valid_to
        if start and end:
            return f"{start} to {end}"
        if start or end:
            return f"from {start}" if start else f"until {end}"
        return "always"


class Location(Stamped):
    """A named place where exercises or their episodes happen: a region, a city's vicinity, a sea."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    state = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        help_text="Empty for places that belong to no single state, such as a sea.",
    )
    admin_region = models.CharField("administrative region", max_length=200, blank=True)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    coordinates_note = models.CharField(
        max_length=200,
        blank=True,
        help_text='How the coordinates were chosen ("city of Karaganda, for the region").',
    )

    history = HistoricalRecords()

    objects = NaturalKeyManager("slug")

    class Meta:
        ordering = ["name", "slug"]  # two places may share a name: the slug breaks the tie
        indexes = [models.Index(fields=["longitude", "latitude"], name="location_lon_lat_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["exercises.state"]
