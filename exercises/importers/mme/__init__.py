"""Import the Multinational Military Exercises data set, version 7 (MME v7).

MME (Vito D'Orazio and Christian Galambos; Harvard Dataverse, doi:10.7910/DVN/KHFODX) has one row per
exercise, 1980-2010. :func:`import_mme` reads its CSV, maps every row onto an :class:`Exercise` and the
records around it, and writes only the differences with the database, in one transaction: importing
the same file again changes nothing, a corrected file changes what was corrected. Every record it
writes is cited to the source ``mme-v7`` (``seeds/sources.json``) with the MMEID and column as locator.

How MME's values are read is written where it is done, each a decision an analyst needs when reading
imported data; the stages, in order:

- :mod:`.read`: the CSV, its columns, names, flags, descriptions and places of each row;
- :mod:`.dates`: StartDate/EndDate and their part columns (rules in ``importers.partial_dates``);
- ``importers.troops``: troop figures in the free text;
- :mod:`.names`: participant names to states and organisations (rules in ``importers.states``);
- ``importers.plan``: rows told apart and unified, plans, likely duplicates;
- ``importers.matching``: rows linked to exercises other sources attest;
- ``importers.writer``: the writer (``importers.sync``, ``importers.citations``, ``exercises.services``).
"""

from pathlib import Path

from tqdm import tqdm

from exercises.importers.datasets import MME
from exercises.importers.mme.names import RULES
from exercises.importers.mme.read import DATASET, SOURCE_KEY, MMEImportError, read_csv, read_rows
from exercises.importers.report import ImportSummary
from exercises.importers.run import run_import
from exercises.importers.troops import extract_troop_figures

__all__ = ["SOURCE_KEY", "ImportSummary", "MMEImportError", "extract_troop_figures", "import_mme"]


def import_mme(path: Path | str, *, dry_run: bool = False, progress: bool = False) -> ImportSummary:
    """Import the MME v7 CSV at ``path`` in one transaction; with ``dry_run``, roll it back.

    Raises :class:`MMEImportError`, with nothing written, when the file cannot be read as the MME CSV
    or the database lacks the source ``mme-v7`` or the states and organisations the file needs.
    """
    path = Path(path)
    participant_columns, raw_rows = read_csv(path)
    summary = ImportSummary(path=path, dataset=DATASET, source="MME", dry_run=dry_run, rows=len(raw_rows))
    reading = tqdm(raw_rows, desc="Reading MME v7", unit="row", disable=not progress)
    rows, summary.skipped = read_rows(reading, participant_columns)
    return run_import(MME, RULES, MMEImportError, summary, rows, dry_run=dry_run, progress=progress)
