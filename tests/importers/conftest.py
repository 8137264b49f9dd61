import pytest

from exercises.importers.mme import import_mme
from tests.importers.mme_sample import SAMPLE


@pytest.fixture
def sample(db):
    """The summary of importing the sample MME file."""
    return import_mme(SAMPLE)
