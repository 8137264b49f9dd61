"""CSV/XLSX import and export of exercises (django-import-export).

Rows are matched on ``slug``. ``participants`` is a ``;``-separated list of state codes or names
that replaces the exercise's participations (roles of states that stay are kept). A bad row (unknown
state or organisation, malformed or reversed dates, negative troops) is rejected with its reason in
the preview, and nothing is imported until every row is valid.

Every exported cell, CSV or XLSX, is a ``formats.safe_cell``: a text a spreadsheet would run as a
formula (``=HYPERLINK(...)``, ``@SUM(A1)``, ``-2+3``) is written with a quote in front, the rule of the
API's CSV (see ``exercises/api/formats.py``); numbers are written as they are.
"""

from import_export import fields, resources, widgets

from exercises import dates
from exercises.api.formats import safe_cell
from exercises.choices import DatePrecision
from exercises.models import Exercise, Organisation, Participation, State, UnknownState


class PartialDateWidget(widgets.Widget):
    """``2011``, ``2011-09`` or ``2011-09-27`` <-> (date, precision)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None, DatePrecision.UNKNOWN
        try:
            return dates.parse_partial(str(value))
        except ValueError as exc:
            raise ValueError(f"Not a date: {value!r} ({exc}); use YYYY, YYYY-MM or YYYY-MM-DD.") from None

    def render(self, value, obj=None, **kwargs):
        return dates.format_partial(*value) if value else ""


class PartialDateField(fields.Field):
    def __init__(self, part: str):
        super().__init__(attribute=part, column_name=part, widget=PartialDateWidget())
        self.part = part

    def get_value(self, obj):
        return getattr(obj, f"{self.part}_date"), getattr(obj, f"{self.part}_precision")

    def save(self, instance, row, is_m2m=False, **kwargs):
        value, precision = self.clean(row, **kwargs)
        setattr(instance, f"{self.part}_date", value)
        setattr(instance, f"{self.part}_precision", precision)


class ParticipantsWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        names = [part.strip() for part in str(value or "").split(";") if part.strip()]
        try:
            return list(State.objects.resolve(names).values())
        except UnknownState as exc:
            raise ValueError(f"Unknown state {exc.value!r}: use an ISO code or an English name.") from None

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, str):
            return value
        return ";".join(sorted(getattr(state, "code", str(state)) for state in value or []))


class OrganisationWidget(widgets.ForeignKeyWidget):
    """An organisation by its acronym, any case; an unknown one is a row error, not a crash."""

    def __init__(self):
        super().__init__(Organisation, field="acronym")

    def get_lookup_kwargs(self, value, row=None, **kwargs):
        return {"acronym__iexact": value.strip()}

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Organisation.DoesNotExist:
            raise ValueError(f"Unknown organisation {value!r}: give its acronym (CSTO, NATO ...).") from None


class ExerciseResource(resources.ModelResource):
    start = PartialDateField("start")
    end = PartialDateField("end")
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=OrganisationWidget(),
    )
    # Cleaned into the instance (as a list of states) and written to participations after the save.
    participants = fields.Field(
        attribute="imported_participants", column_name="participants", widget=ParticipantsWidget()
    )
    reported_troops = fields.Field(attribute="reported_troops", column_name="reported_troops", readonly=True)

    class Meta:
        model = Exercise
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "name_is_descriptive",
            "start",
            "end",
            "year",
            "organisation",
            "series",
            "participants",
            "reported_troops",
            "purpose",
            "description",
            "notes",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))

    def dehydrate_participants(self, exercise):
        return ";".join(sorted(p.state.code for p in exercise.participations.all()))

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("participations__state")

    def after_save_instance(self, instance, row, **kwargs):
        states = getattr(instance, "imported_participants", None)
        if states is None:
            return
        keep = {s.pk for s in states}
        instance.participations.exclude(state__in=keep).delete()
        existing = set(instance.participations.values_list("state_id", flat=True))
        Participation.objects.bulk_create(
            [Participation(exercise=instance, state=state) for state in states if state.pk not in existing]
        )
