"""What the models share: the manager that finds a row by its natural key."""

from django.db import models

__all__ = ["NaturalKeyManager"]


class NaturalKeyManager(models.Manager):
    """Finds a row by its natural key, the name fixtures and dumps give it.

    Built with the lookup path of each part of the key, in the order of the model's
    ``natural_key()``: ``NaturalKeyManager("exercise__slug", "key")``. A model with its own QuerySet
    takes ``NaturalKeyManager.from_queryset(StateQuerySet)("code")``.
    """

    def __init__(self, *lookups: str):
        super().__init__()
        self.lookups = lookups

    def get_by_natural_key(self, *key):
        # Django builds related managers (exercise.troop_figures) without arguments: they take the
        # lookups of their model's own manager.
        lookups = self.lookups or self.model._default_manager.lookups
        if len(key) != len(lookups):
            parts = ", ".join(lookups)
            raise TypeError(f"a {self.model.__name__} natural key has {len(lookups)} parts ({parts}), not {key!r}")
        return self.get(**dict(zip(lookups, key, strict=True)))
