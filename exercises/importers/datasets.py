"""The data sets the project imports, each with the names its records are written under.

A data set's records are told from analysts' and from other data sets' by these names: its exercises'
slugs (``mme87-readex-1-80``, ``jme-row77-midlink-74``), its places (``mme-<text>``, ``jme-<text>``),
its troop figures (``mme-troops-1``) and its citations, all under its source (``seeds/sources.json``).
Which data set's values an exercise's own fields follow, when several attest it, is the sources'
``precedence`` (lowest first): MME v7, the revised and extended data set, before JME v3 it grew from.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    source_key: str  # the registered source every record is cited to
    label: str  # how summaries name the file: "MME v7"
    short: str  # how sentences name the data set: "MME"
    prefix: str  # of its places' slugs and its troop figures' keys
    slug_prefix: str  # before the row's identifier in a new exercise's slug

    @property
    def figure_key(self) -> str:
        return f"{self.prefix}-troops-"

    @property
    def place_slug(self) -> str:
        return f"{self.prefix}-"


MME = Dataset(source_key="mme-v7", label="MME v7", short="MME", prefix="mme", slug_prefix="")
JME = Dataset(source_key="jme-v3", label="JME v3", short="JME", prefix="jme", slug_prefix="jme-")
DATASETS = (MME, JME)


def dataset_of_figure(key: str) -> Dataset | None:
    """The data set whose import wrote the troop figure keyed ``key``; None for an analyst's."""
    return next((dataset for dataset in DATASETS if key.startswith(dataset.figure_key)), None)
