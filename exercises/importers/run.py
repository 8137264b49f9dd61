"""An import from start to end, the same for every data set: read, plan, match, write, summarise, in
one transaction (rolled back on a dry run or on any error, so nothing is half-written)."""

from django.db import transaction

from exercises.importers.datasets import Dataset
from exercises.importers.plan import likely_duplicates, plan_rows, settle_rows
from exercises.importers.report import ImportSummary
from exercises.importers.rows import Plan, Row
from exercises.importers.states import ParticipantRules
from exercises.importers.writer import Writer
from exercises.models import Source


def run_import(
    dataset: Dataset,
    rules: ParticipantRules,
    error: type[Exception],
    summary: ImportSummary,
    rows: list[Row],
    *,
    dry_run: bool = False,
    progress: bool = False,
) -> ImportSummary:
    """Write ``rows`` (read by the data set's reader) and fill in ``summary``; raises ``error`` with
    nothing written where the database lacks what the file needs."""
    settle_rows(rows)
    with transaction.atomic():
        source = Source.objects.filter(key=dataset.source_key).first()
        if source is None:
            raise error(
                f"The source {dataset.source_key!r} is not registered: load the register with "
                "`manage.py loaddata sources`."
            )
        plans, states, place_states = plan_rows(rows, rules, error)
        writer = Writer(dataset, source, plans, states, place_states, error)
        writer.duplicates = likely_duplicates(plans)
        writer.run(progress)
        summarise(summary, plans, writer)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def summarise(summary: ImportSummary, plans: list[Plan], writer: Writer) -> None:
    """Fill in the summary from the plans and from what the writer did."""
    for plan in plans:
        identifier = plan.row.identifier
        summary.count_exercise(
            created=identifier in writer.created,
            linked=identifier in writer.linked,
            changed=identifier in writer.changed,
        )
        summary.count_participants(plan.participants)
        summary.figures += len(plan.row.figures)
        if plan.row.review:
            summary.flagged[identifier] = plan.row.review
    summary.reported_figures = writer.reported_figures
    summary.places = len(writer.place_slugs)
    summary.duplicates = writer.duplicates
    summary.review = [
        (identifier, writer.exercise_ids[identifier], pk, reason) for identifier, pk, reason in writer.review
    ]
    summary.written = writer.written
    summary.not_in_file = writer.not_in_file
