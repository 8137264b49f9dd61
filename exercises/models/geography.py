"""States (ISO 3166-1, plus former states from ISO 3166-3) and named places."""

import difflib
import re
import unicodedata
from collections.abc import Iterable

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from exercises.choices import LocationKind
from exercises.models.base import NaturalKeyManager

__all__ = ["Location", "State", "StateName", "UnknownState", "normalize_name"]

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


class StateQuerySet(models.QuerySet):
    def resolve(self, values: Iterable[str]) -> dict[str, "State"]:
        """Map each code or name in ``values`` to its state, in one query.

        Accepts ISO alpha-2 and alpha-3 codes of current states, ISO 3166-3 codes of former ones and
        the alpha-3 codes they had (CSK, DDR), and every registered name (ISO short and official
        names, common names such as "Russia"), in any case. Raises :class:`UnknownState` for the first
        value that matches nothing.
        """
        values = [v for v in dict.fromkeys(v.strip() for v in values) if v]
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


class State(models.Model):
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


class Location(models.Model):
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
