"""Citations an importer writes: every record it makes is cited to its data set, row and column.

A data set's citations are keyed (``Citation.key``, unique within its source) so that a re-import finds
them again. They also say which records are the importer's: a record that carries a citation of the
source is one the importer made and may remove when a corrected file no longer lists it
(:func:`cited_ids`); an analyst's own records on the same exercises carry none and stay.
"""

from exercises.models import CITATION_TARGETS, Citation, Source
from exercises.models.sources import MAX_EXCERPT_WORDS

#: The columns of a citation an importer sets and compares (besides its source and key).
CITATION_FIELDS = ("excerpt", "locator", "field", "attributed_to", *(f"{target}_id" for target in CITATION_TARGETS))
LOCATOR_LENGTH = Citation._meta.get_field("locator").max_length


def excerpt(value: str) -> str:
    """``value`` as a citation excerpt: at most 25 words (the ellipsis of a cut counts as one), 300 characters."""
    words = value.split()
    short = " ".join(words) if len(words) <= MAX_EXCERPT_WORDS else " ".join(words[: MAX_EXCERPT_WORDS - 1]) + " …"
    return short if len(short) <= 300 else f"{short[:298]} …"


def citation(target: str, target_id: int, words: str, locator: str) -> dict:
    """The :data:`CITATION_FIELDS` of a citation of the ``target`` record (one of ``CITATION_TARGETS``)
    ``target_id``: ``words`` from the data set, found at ``locator`` (row and column)."""
    values = dict.fromkeys(CITATION_FIELDS)
    values.update(
        excerpt=excerpt(words),
        locator=locator[:LOCATOR_LENGTH],
        field="",
        attributed_to="",
        **{f"{target}_id": target_id},
    )
    return values


def cited_ids(source: Source, target: str) -> set[int]:
    """Primary keys of the ``target`` records that carry a citation of ``source``: the importer's own."""
    cited = Citation.objects.filter(source=source, **{f"{target}__isnull": False})
    return set(cited.values_list(f"{target}_id", flat=True))


def held_citations(source: Source) -> dict[str, dict]:
    """The source's citations by key, as :func:`exercises.importers.sync.sync` compares them."""
    return {
        values["key"]: values for values in Citation.objects.filter(source=source).values("pk", "key", *CITATION_FIELDS)
    }
