"""The exercise list's row as the README documents it: what clients depend on, pinned here once."""

#: The JSON list's row, in order.
LIST_ROW = [
    "slug",
    "name",
    "name_is_descriptive",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "year",
    "organisation",
    "series",
    "participants",
    "reported_troops",
    "locations",
    "sources",
    "source_count",
    "disputed",
    "updated_at",
    "matched_phases",
    "url",
]

#: The CSV export's columns, in order: the row, with the parent before matched_phases.
CSV_COLUMNS = [*LIST_ROW[:-2], "parent", "matched_phases", "url"]
