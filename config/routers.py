"""Send reads to PostgreSQL replicas and writes to the primary (when DATABASE_REPLICA_URLS is set)."""

import random
import threading

from django.conf import settings
from django.core.signals import request_started

_state = threading.local()


def _unpin(**kwargs):
    _state.pinned = False


request_started.connect(_unpin, dispatch_uid="replica-router-unpin")


class PrimaryReplicaRouter:
    """Reads go to a random replica, writes and migrations to ``default``.

    Once a request (or a thread outside requests) has written, its reads stay on the primary until
    the next request, so nobody reads around their own write while a replica catches up. A read on
    behalf of an instance (``refresh_from_db``) goes where the instance came from.
    """

    def replicas(self) -> list[str]:
        return [alias for alias in settings.DATABASES if alias.startswith("replica")]

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        replicas = self.replicas()
        if not replicas or getattr(_state, "pinned", False):
            return "default"
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        _state.pinned = True
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
