"""Helpers shared by the model tests."""

import pytest
from django.db import IntegrityError, transaction


def assert_rejected(create):
    """``create()`` breaks a database constraint: IntegrityError, and nothing of it is kept."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
