"""Two records of one exercise: the change list's merge action, the possible duplicates waiting for an
analyst, and the merges (each can be undone). The rule is ``exercises.merges``; these pages only ask."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from exercises import merges, models, selectors


class MergeForm(forms.Form):
    """Which of the two selected exercises is kept, and why they are one."""

    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Keep")
    reason = forms.CharField(
        max_length=300, required=False, help_text="Why they are one exercise (kept with the merge)."
    )

    def __init__(self, *args, exercises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(e.pk, f"{e.name} ({e.slug})") for e in exercises]
        self.fields["keep"].initial = exercises[0].pk


def can_merge(user) -> bool:
    """Merging changes the kept exercise and removes the other (until undone)."""
    return user.has_perms(["exercises.change_exercise", "exercises.add_exercisemerge"])


def can_undo(user) -> bool:
    return user.has_perms(["exercises.change_exercise", "exercises.change_exercisemerge"])


def change_link(exercise) -> str:
    url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
    return format_html('<a href="{}">{}</a>', url, exercise)


def merge_pair(request, keep, other, reason: str = "") -> bool:
    """Merge and say so (or why not) in a message; whether it was merged."""
    try:
        merge = merges.merge_exercises(keep, other, by=request.user.get_username(), reason=reason)
    except merges.MergeError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, merges.describe(merge))
    return True


class MergeActionMixin:
    """The Exercise change list's action "Merge the two selected exercises", with a confirmation page
    (Django's intermediate-page pattern) where the analyst picks the exercise kept."""

    actions = ["merge_selected"]

    def has_merge_permission(self, request):
        return can_merge(request.user)

    @admin.action(description="Merge the two selected exercises", permissions=["merge"])
    def merge_selected(self, request, queryset):
        selected = list(queryset.order_by("pk").values_list("pk", flat=True)[:3])  # read again, as shown
        exercises = list(
            models.Exercise.objects.filter(pk__in=selected)
            .annotate(
                participation_count=Count("participations", distinct=True),
                figure_count=Count("troop_figures", distinct=True),
                scenario_count=Count("scenarios", distinct=True),
            )
            .order_by("pk")
        )
        if len(exercises) != 2:
            self.message_user(request, "Select exactly two exercises to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "post" in request.POST else None, exercises=exercises)
        if form.is_valid():
            keep = next(e for e in exercises if e.pk == form.cleaned_data["keep"])
            other = next(e for e in exercises if e.pk != keep.pk)
            merge_pair(request, keep, other, form.cleaned_data["reason"])
            return None  # back to the change list
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge two exercises",
            "opts": self.model._meta,
            "exercises": exercises,
            "form": form,
            "queryset": exercises,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/exercises/exercise/merge_confirmation.html", context)


class PairChangeList(ChangeList):
    """Both exercises of each pair with what an analyst compares them by: dates, participants and the
    sources that attest them (the participants of the whole page in one query)."""

    def get_results(self, request):
        super().get_results(request)
        ids = [exercise.pk for pair in self.result_list for exercise in (pair.first, pair.second)]
        participants = selectors.participant_codes(ids)
        for pair in self.result_list:
            for exercise in (pair.first, pair.second):
                exercise.participant_codes = participants[exercise.pk]


def side(exercise) -> str:
    """One exercise of a pair: its link, then its dates, participants and sources on a second line."""
    url = reverse("admin:exercises_exercise_change", args=[exercise.pk])
    dates = " – ".join(filter(None, [exercise.start, exercise.end])) or (str(exercise.year or "") or "no date")
    participants = " ".join(getattr(exercise, "participant_codes", [])) or "no participant"
    return format_html(
        '<a href="{}">{}</a><br><span class="quiet">{} · {} · {}</span>',
        url,
        exercise,
        dates,
        participants,
        ", ".join(exercise.source_keys) or "no source",
    )


@admin.register(models.PossibleDuplicate)
class PossibleDuplicateAdmin(SimpleHistoryAdmin):
    """Pairs an import (or an analyst) found that may be one exercise: merge them, or mark them distinct."""

    list_display = ["first_exercise", "second_exercise", "reason", "found_by_key", "status"]
    list_filter = ["status", ("found_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["first", "second", "found_by"]
    search_fields = ["first__name", "second__name", "reason"]
    fields = ["first_exercise", "second_exercise", "reason", "found_by", "status", "created_at"]
    readonly_fields = ["first_exercise", "second_exercise", "reason", "found_by", "created_at"]
    actions = ["merge_keeping_first", "merge_keeping_second", "mark_distinct"]

    def has_add_permission(self, request):
        return False  # pairs are found by imports' matching rules

    def has_merge_permission(self, request):
        return can_merge(request.user)

    def get_changelist(self, request, **kwargs):
        return PairChangeList

    @admin.display(description="first", ordering="first__name")
    def first_exercise(self, pair):
        return side(pair.first)

    @admin.display(description="second", ordering="second__name")
    def second_exercise(self, pair):
        return side(pair.second)

    @admin.display(description="found by", ordering="found_by__key")
    def found_by_key(self, pair):
        return pair.found_by.key if pair.found_by_id else "an analyst"

    def merge_pairs(self, request, queryset, keep_first: bool):
        # One merge each, in its own transaction; a pair an earlier merge of the batch changed is read again.
        for pk in list(queryset.values_list("pk", flat=True)):
            pair = models.PossibleDuplicate.objects.select_related("first", "second").filter(pk=pk).first()
            if pair is not None:
                keep, other = (pair.first, pair.second) if keep_first else (pair.second, pair.first)
                merge_pair(request, keep, other, reason=pair.reason)

    @admin.action(description="Merge (keep the first)", permissions=["merge"])
    def merge_keeping_first(self, request, queryset):
        self.merge_pairs(request, queryset, keep_first=True)

    @admin.action(description="Merge (keep the second)", permissions=["merge"])
    def merge_keeping_second(self, request, queryset):
        self.merge_pairs(request, queryset, keep_first=False)

    @admin.action(description="Mark as distinct exercises", permissions=["change"])
    def mark_distinct(self, request, queryset):
        count = 0
        for pair in queryset.exclude(status=models.PossibleDuplicate.Status.DISTINCT):
            pair.status = models.PossibleDuplicate.Status.DISTINCT
            pair.save(update_fields=["status"])  # one at a time: each change in the pair's history
            count += 1
        self.message_user(request, f"{count} pair(s) marked as distinct exercises.", messages.SUCCESS)


class MergeStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "undone"

    def lookups(self, request, model_admin):
        return [("no", "In force"), ("yes", "Undone")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(undone_at__isnull=self.value() == "no")
        return queryset


@admin.register(models.ExerciseMerge)
class ExerciseMergeAdmin(admin.ModelAdmin):
    """The merges made, read-only; a merge in force can be undone (the other exercise split off again)."""

    list_display = ["other_slug", "kept_exercise", "merged_at", "merged_by", "reason", "undone_at"]
    list_filter = [MergeStateFilter]
    list_select_related = ["kept"]
    search_fields = ["other_slug", "kept__slug", "kept__name", "reason"]
    fields = ["other_slug", "other_id", "kept_exercise", "merged_at", "merged_by", "reason", "undone_at", "summary"]
    readonly_fields = fields
    actions = ["undo_selected"]

    def has_add_permission(self, request):
        return False  # merges are made by merging (the exercises' action, the command)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a merge is what lets it be undone

    def has_undo_permission(self, request):
        return can_undo(request.user)

    @admin.display(description="kept", ordering="kept__name")
    def kept_exercise(self, merge):
        return change_link(merge.kept)

    @admin.display(description="what it did")
    def summary(self, merge):
        return merges.describe(merge)

    @admin.action(description="Undo the selected merges", permissions=["undo"])
    def undo_selected(self, request, queryset):
        # The latest first: a merge into an exercise merged later can be undone only after that one.
        for merge in queryset.order_by("-merged_at", "-pk"):
            try:
                other = merges.split(merge, by=request.user.get_username())
            except merges.MergeError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"Split {other.slug} off again: the merge is undone.", messages.SUCCESS)
