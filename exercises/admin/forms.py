"""Admin forms: optimistic locking for exercises, citations edited beside the record they support."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from exercises import services
from exercises.models import Citation, Exercise, Source
from exercises.models.sources import MAX_EXCERPT_WORDS

#: Fields compared to tell an analyst what another analyst changed.
COMPARED_FIELDS = [
    "name",
    "name_is_descriptive",
    "slug",
    "organisation_id",
    "parent_id",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "year",
    "series",
    "purpose",
    "description",
    "notes",
    "needs_review",
    "review_notes",
]


def describe_changes(exercise_id: int, seen_version: int) -> str:
    """What changed in an exercise since ``seen_version``, and who changed it, for a conflict message."""
    history = Exercise.history.filter(id=exercise_id)
    latest = history.order_by("-history_date").select_related("history_user").first()
    seen = history.filter(version__lte=seen_version).order_by("-version", "-history_date").first()
    current = Exercise.objects.get(pk=exercise_id)
    changes = []
    if seen is not None:
        for name in COMPARED_FIELDS:
            before, after = getattr(seen, name), getattr(current, name)
            if before != after:
                label = capfirst(Exercise._meta.get_field(name.removesuffix("_id")).verbose_name)
                changes.append(f"{label}: {before!r} → {after!r}" if not name.endswith("_id") else label)
    what = "; ".join(changes) if changes else "its participations, figures, scenarios, places or citations"
    who = ""
    if latest is not None and latest.version > seen_version:
        user = latest.history_user.get_username() if latest.history_user else "an import or script"
        who = f" by {user} at {latest.history_date:%Y-%m-%d %H:%M} UTC"
    return (
        f"This exercise was changed{who} after you opened it (your version {seen_version}, now "
        f"{current.version}). Changed: {what}. Nothing was saved: your edits are still in this form. "
        "Open the exercise again in another tab to see the other changes, then apply yours there."
    )


class ExerciseAdminForm(forms.ModelForm):
    """The exercise form, carrying the version it was opened at; a stale save is refused."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Exercise
        fields = "__all__"  # noqa: DJ007  (ExerciseAdmin.fieldsets choose the fields shown)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            seen = cleaned.get("seen_version")
            try:  # locks the row for the rest of the admin's transaction: no save slips in before ours
                services.check_version(self.instance, set() if seen is None else {seen})
            except services.StaleVersion:
                raise ValidationError(describe_changes(self.instance.pk, seen or 0), code="stale") from None
            # An edit of a field an import keeps in step is the analyst's now (unless they chose whom it follows).
            took_over = "curated_from" not in self.changed_data and services.keep_analyst_edit(
                self.instance, self.changed_data
            )
            if took_over and "curated_from" in cleaned:
                cleaned["curated_from"] = None
        return cleaned


class CitedInlineForm(forms.ModelForm):
    """An inline row with its citation on the same line: source, excerpt, who said it.

    The row's first citation is shown and edited; further citations are edited on the Citation page.
    """

    cite_source = forms.ModelChoiceField(
        label="Source",
        queryset=Source.objects.all(),
        required=False,
        widget=AutocompleteSelect(Citation._meta.get_field("source"), admin.site),
    )
    cite_excerpt = forms.CharField(
        label="Excerpt",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
        help_text=f"The source's words, at most {MAX_EXCERPT_WORDS}.",
    )
    cite_attributed_to = forms.CharField(label="Said by", required=False, max_length=200)

    target = None  # the Citation field that points at this inline's model

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The first citation by pk; from the inline's prefetch when there is one (a query otherwise).
        citation = min(self.instance.citations.all(), key=lambda c: c.pk, default=None) if self.instance.pk else None
        if citation is not None:
            self.fields["cite_source"].initial = citation.source_id
            self.fields["cite_excerpt"].initial = citation.excerpt
            self.fields["cite_attributed_to"].initial = citation.attributed_to

    def clean(self):
        cleaned = super().clean()
        excerpt = cleaned.get("cite_excerpt") or ""
        if (excerpt or cleaned.get("cite_attributed_to")) and not cleaned.get("cite_source"):
            self.add_error("cite_source", "Say which source the excerpt comes from.")
        if len(excerpt.split()) > MAX_EXCERPT_WORDS:
            self.add_error("cite_excerpt", f"Keep excerpts to a phrase: at most {MAX_EXCERPT_WORDS} words.")
        return cleaned

    def save(self, commit=True):
        obj = super().save(commit)
        if commit:
            self.save_citation(obj)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_citation():
                save_m2m()
                self.save_citation(obj)

            self.save_m2m = save_m2m_and_citation
        return obj

    def save_citation(self, obj):
        source = self.cleaned_data.get("cite_source")
        if source is None:
            return
        citation = obj.citations.order_by("pk").first() or Citation(**{self.target: obj})
        citation.source = source
        citation.excerpt = self.cleaned_data.get("cite_excerpt") or ""
        citation.attributed_to = self.cleaned_data.get("cite_attributed_to") or ""
        citation.save()


def cited_form(target: str):
    return type(f"Cited{target.title().replace('_', '')}Form", (CitedInlineForm,), {"target": target})
