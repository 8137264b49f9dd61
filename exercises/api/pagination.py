"""Pagination of every list endpoint: page numbers for people, cursors (a keyset) for programs.

Without ``cursor`` a list is paged by number (``page``, ``page_size``) and every page carries the
``count`` ("page 3 of 40"). With ``cursor`` (an empty one asks for the first page) it is paged by keyset:
the cursor holds the list's ordering and the last row's values in it (and its id, the final tie-break),
signed, so the next page is ``WHERE (ordering) after (those values) ... LIMIT size + 1``: no OFFSET, no
COUNT (unless ``count=true``), any page as cheap as the first, and a row that was there throughout is
neither repeated nor skipped when rows are added or removed between two requests. Both modes give the
next page's address in the body's ``next`` and in a ``Link`` header (RFC 8288), and the previous one's
in page-number mode.
"""

import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import InvalidPage
from django.db import connections
from django.db.models import F, OrderBy, Q
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from exercises.filtersets.fields import StrictBooleanField

MAX_PAGE_SIZE = 1000
CURSOR_SALT = "exercises.api.pagination.cursor"


@dataclass(frozen=True)
class Key:
    """One term of a list's ordering: a field (a ``values()`` path or an annotation), its direction and
    where its NULLs sort (``nulls``: as written, ``None`` for the database's default)."""

    field: str
    descending: bool
    nulls: str | None  # "first", "last" or None
    nullable: bool

    def nulls_last(self, vendor_nulls_largest: bool) -> bool:
        if self.nulls is not None:
            return self.nulls == "last"
        return vendor_nulls_largest != self.descending  # PostgreSQL: NULL is the largest; SQLite: the smallest

    def order(self) -> OrderBy:
        options = {"nulls_first": True} if self.nulls == "first" else {"nulls_last": True} if self.nulls else {}
        return F(self.field).desc(**options) if self.descending else F(self.field).asc(**options)

    def beyond(self, value, nulls_last: bool) -> Q | None:
        """Rows strictly after ``value`` in this term alone (None: none can be)."""
        if value is None:
            return None if nulls_last else Q(**{f"{self.field}__isnull": False})
        after = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        return after | Q(**{f"{self.field}__isnull": True}) if self.nullable and nulls_last else after

    def equal(self, value) -> Q:
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})

    def value_of(self, row):
        """This term's value in a row: a ``values()`` dict, or a model instance (relations followed)."""
        if isinstance(row, dict):
            return row[self.field]
        value = row
        for part in self.field.split("__"):
            value = None if value is None else getattr(value, "pk" if part == "pk" else part)
        return value


def ordering_keys(queryset) -> list[Key]:
    """The queryset's ordering (its ``order_by``, else the model's ``Meta.ordering``) as keys, a relation
    expanded into its model's ordering as Django sorts it, the primary key last as the tie-break."""
    model = queryset.model
    terms = list(queryset.query.order_by or model._meta.ordering)
    keys = _expand(model, terms, "", False, False, set(queryset.query.annotations))
    if not any(_is_pk(model, key.field) for key in keys):
        keys.append(Key("pk", keys[0].descending if keys else False, None, False))
    return keys


def _expand(model, terms, prefix: str, flip: bool, nullable: bool, annotations: set[str]) -> list[Key]:
    keys = []
    for term in terms:
        if isinstance(term, str):
            descending, name, nulls = term.startswith("-"), term.lstrip("-"), None
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            descending, name = term.descending, term.expression.name
            nulls = "first" if term.nulls_first else "last" if term.nulls_last else None
        elif isinstance(term, F):
            descending, name, nulls = False, term.name, None
        else:
            raise ImproperlyConfigured(f"A cursor cannot follow the ordering term {term!r}: order by fields.")
        if name == "?":
            raise ImproperlyConfigured("A cursor cannot follow a random ordering.")
        descending = descending != flip
        if flip and nulls:
            nulls = "last" if nulls == "first" else "first"
        if not prefix and name in annotations:
            keys.append(Key(name, descending, nulls, True))
            continue
        field, path_nullable = _resolve(model, name)
        if field.is_relation and name.split("__")[-1] != field.attname:
            # As Django sorts by a relation: by its model's ordering, else by its key.
            related = field.related_model
            terms = related._meta.ordering or ["pk"]
            keys += _expand(related, terms, f"{prefix}{name}__", descending, nullable or path_nullable, set())
        else:
            keys.append(Key(f"{prefix}{name}", descending, nulls, nullable or path_nullable))
    return keys


def _resolve(model, path: str):
    """The field a ``__`` path ends at, and whether any step of it may be NULL."""
    nullable, field = False, None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        nullable = nullable or field.null
        if field.is_relation:
            model = field.related_model
    if field is None:
        raise FieldDoesNotExist(path)
    return field, nullable


def _is_pk(model, name: str) -> bool:
    return name in ("pk", model._meta.pk.name, model._meta.pk.attname)


def _plain(value):
    """A key value as JSON can hold it, exactly (a datetime to the microsecond)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


class Keyset:
    """A list's ordering and a position in it (None: before the first row)."""

    def __init__(self, queryset, position: list | None):
        self.model = queryset.model
        self.keys = ordering_keys(queryset)
        self.position = position

    @property
    def label(self) -> str:
        """What the cursor is for: the model and its ordering (``exercises.exercise:-year,name,id``)."""
        terms = ",".join(
            ("-" if key.descending else "") + key.field + (f"~{key.nulls}" if key.nulls else "") for key in self.keys
        )
        return f"{self.model._meta.label_lower}:{terms}"

    @property
    def fields(self) -> list[str]:
        return [key.field for key in self.keys]

    @property
    def ordering(self) -> list[OrderBy]:
        return [key.order() for key in self.keys]

    def after(self, queryset):
        """The queryset, ordered by the keys, from just after the position."""
        queryset = queryset.order_by(*self.ordering)
        if self.position is None:
            return queryset
        nulls_largest = connections[queryset.db].features.nulls_order_largest
        branches, equal = [], Q()
        for key, value in zip(self.keys, self.position, strict=True):
            beyond = key.beyond(value, key.nulls_last(nulls_largest))
            if beyond is not None:
                branches.append(equal & beyond)
            equal &= key.equal(value)
        condition = Q(pk__in=[])  # nothing is after the last possible position
        for branch in branches:
            condition |= branch
        return queryset.filter(condition)

    def token_after(self, row) -> str:
        return signing.dumps(
            {"for": self.label, "after": [_plain(key.value_of(row)) for key in self.keys]},
            salt=CURSOR_SALT,
            compress=True,
        )


class StrictPageNumberPagination(PageNumberPagination):
    """Page numbers, or cursors with ``cursor=``: the one paginator of every list (see the module).

    ``page_size`` runs from 1 to 1,000 (default 50); ``page`` and ``cursor`` exclude each other; ``count``
    (``true`` or ``false``) goes with ``cursor`` only. Exports (``format=csv``, ``geojson``, ``ndjson``)
    are not paginated at all, but a bad parameter is refused there too (``check_params``).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    count_query_param = "count"

    keyset: Keyset | None = None
    next_row = None

    def query_params(self) -> set[str]:
        """The parameters this paginator reads (``StrictQueryMixin`` accepts them)."""
        return {self.page_query_param, self.page_size_query_param, self.cursor_query_param, self.count_query_param}

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": ["Give a whole number."]}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be between 1 and {self.max_page_size}."]})
        return size

    def page_number(self, request) -> str:
        """The page asked for, as given: digits or 'last'."""
        raw = request.query_params.get(self.page_query_param, "1")
        if raw != "last" and not (raw.isascii() and raw.isdecimal()):
            raise ValidationError({"page": ["Give a page number (1, 2, ...) or 'last'."]})
        return raw

    def by_cursor(self, request) -> bool:
        """Whether the request pages by cursor (``cursor`` given, even empty); refuses ``page`` with it,
        and ``count`` without it."""
        cursor = self.cursor_query_param in request.query_params
        if cursor and self.page_query_param in request.query_params:
            raise ValidationError({self.cursor_query_param: ["Give cursor or page, not both."]})
        if self.count_query_param in request.query_params and not cursor:
            raise ValidationError({self.count_query_param: ["Only with cursor= (numbered pages always count)."]})
        return cursor

    def wants_count(self, request) -> bool:
        field = StrictBooleanField(required=False)
        try:
            return bool(field.clean(request.query_params.get(self.count_query_param)))
        except DjangoValidationError as exc:
            raise ValidationError({self.count_query_param: exc.messages}) from None

    def position(self, request) -> dict | None:
        """The signed content of the request's cursor (None for an empty one: the first page)."""
        token = request.query_params.get(self.cursor_query_param, "")
        if not token:
            return None
        try:
            content = signing.loads(token, salt=CURSOR_SALT)
        except (signing.BadSignature, ValueError, UnicodeDecodeError):
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("after"), list):
            raise ValidationError({self.cursor_query_param: ["Not a cursor this API gave: altered or truncated."]})
        return content

    def check_params(self, request) -> None:
        """Refuse a bad parameter where nothing is paginated (exports), as lists do."""
        self.get_page_size(request)
        self.page_number(request)
        if self.by_cursor(request):
            self.wants_count(request)
            self.position(request)

    def keyset_for(self, queryset) -> Keyset:
        """The keyset of the request's cursor on ``queryset``'s ordering: a 400 for a cursor made for
        another list or ordering."""
        content = self.position(self.request)
        keyset = Keyset(queryset, None)
        if content is not None:
            if content.get("for") != keyset.label or len(content["after"]) != len(keyset.keys):
                raise ValidationError(
                    {self.cursor_query_param: ["Made for another list or ordering: start again with cursor=."]}
                )
            keyset.position = content["after"]
        self.keyset = keyset
        return keyset

    # -- Paging ------------------------------------------------------------------------------------------
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        if not self.by_cursor(request):
            self.page_number(request)
            return super().paginate_queryset(queryset, request, view)  # an out-of-range page: DRF's 404
        size, count = self.get_page_size(request), self.wants_count(request)
        rows = list(self.keyset_for(queryset).after(queryset)[: size + 1])
        self.count = queryset.count() if count else None
        return self.keep(rows, size)

    def paginate_selected(self, request, select, select_after=None, count=None) -> list:
        """The rows of the page a selector reads. By number: ``select(number, size)`` returns a Django
        ``Page`` (``exercises.selectors.exercise_page``). By cursor: ``select_after(keyset_for, size)``
        returns up to ``size`` rows after the position of the keyset ``keyset_for(queryset)`` makes for
        the selector's queryset (``exercises.selectors.exercise_keyset_page``), and ``count()`` the total
        with ``count=true``."""
        self.request = request
        if select_after is not None and self.by_cursor(request):
            size, wants_count = self.get_page_size(request), self.wants_count(request)
            rows = select_after(self.keyset_for, size + 1)
            self.count = count() if wants_count else None
            return self.keep(rows, size)
        size, number = self.get_page_size(request), self.page_number(request)
        try:
            self.page = select(number if number == "last" else int(number), size)
        except InvalidPage:
            raise NotFound("Invalid page.") from None
        return list(self.page.object_list)

    def keep(self, rows: list, size: int) -> list:
        """The page of ``size`` rows out of ``size + 1`` read: the one more tells whether a next page exists."""
        self.next_row = rows[size - 1] if len(rows) > size else None
        return rows[:size]

    # -- The answer ----------------------------------------------------------------------------------------
    def get_next_link(self):
        if self.keyset is None:
            return super().get_next_link()
        if self.next_row is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.keyset.token_after(self.next_row))

    def get_previous_link(self):
        return None if self.keyset is not None else super().get_previous_link()

    def get_paginated_response(self, data):
        if self.keyset is None:
            response = super().get_paginated_response(data)
        else:
            body = {"count": self.count} if self.count is not None else {}
            response = Response({**body, "next": self.get_next_link(), "results": data})
        links = [(self.get_next_link(), "next"), (self.get_previous_link(), "prev")]
        header = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url)
        if header:
            response["Link"] = header
        return response

    # -- The schema ------------------------------------------------------------------------------------------
    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["required"] = ["next", "results"]
        page["properties"]["count"]["description"] = (
            "How many records match: on every numbered page; with cursor=, only when count=true."
        )
        page["properties"]["next"]["description"] = (
            "The next page's address (also in the Link header); null on the last."
        )
        page["properties"]["previous"]["description"] = "The previous page's address: numbered pages only."
        return page

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Page by cursor instead of number: empty for the first page, then the cursor "
                "in the previous page's next address. Stable while records are added or removed; not with page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "With cursor only: true adds the total count to the page (one more query).",
                "schema": {"type": "boolean"},
            },
        ]
