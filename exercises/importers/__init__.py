"""Importers of external data sets, one package per data set, and the pieces they share.

- ``mme/``: the MME v7 CSV, by stage (read, dates, troops, names, plan, write).
- ``cells``: a cell's text and the ``-9`` MME and JME write for "missing".
- ``partial_dates``: dates as text (``m/d/yy``, ``yyyy-mm-xx``) and year/month/day columns.
- ``states``: names and codes to states in bulk, the unmatched reported; a data set's participant rules.
- ``sync``: the diff-and-write that makes a re-import change nothing.
- ``citations``: the citations every imported record carries, and the records they make the importer's.
- ``report``: the summary an import prints.
- ``fixtures``: checks of the fixtures' citations against the register of sources.
"""
