"""Import the Joint Military Exercises data, version 3 (JME v3).

JME (Vito D'Orazio; the data set MME grew out of) has one row per exercise, 1974-2010, coded from
news-wire files. :func:`import_jme` reads its workbook, and writes through the same stages as MME:
rows planned (``importers.plan``), matched against the exercises other sources attest
(``importers.matching``: about 670 of JME's exercises are MME's too), and written as differences only
(``importers.writer``), every record cited to the source ``jme-v3`` with the row and column.

- :mod:`.read`: the workbook, its columns, and each row's fields, dates, places and figures;
- :mod:`.names`: the participant codes and what JME means by them.
"""

from pathlib import Path

from tqdm import tqdm

from exercises.importers.datasets import JME
from exercises.importers.jme.names import RULES
from exercises.importers.jme.read import DATASET, SOURCE_KEY, JMEImportError, read_rows, read_workbook
from exercises.importers.report import ImportSummary
from exercises.importers.run import run_import

__all__ = ["SOURCE_KEY", "JMEImportError", "import_jme"]


def import_jme(path: Path | str, *, dry_run: bool = False, progress: bool = False) -> ImportSummary:
    """Import the JME v3 workbook at ``path`` in one transaction; with ``dry_run``, roll it back.

    Raises :class:`JMEImportError`, with nothing written, when the file cannot be read as the JME
    workbook or the database lacks the source ``jme-v3`` or the states and organisations it needs.
    """
    path = Path(path)
    raw_rows = read_workbook(path)
    summary = ImportSummary(path=path, dataset=DATASET, source="JME", dry_run=dry_run, rows=len(raw_rows))
    rows = read_rows(tqdm(raw_rows, desc="Reading JME v3", unit="row", disable=not progress))
    return run_import(JME, RULES, JMEImportError, summary, rows, dry_run=dry_run, progress=progress)
