"""The two groups analysts' accounts belong to, kept in step with the models after every migrate.

- **Analyst**: view, add and change every data model of the app (and its history); delete only the
  parts of an exercise (participations, figures, scenarios, forces, names, citations, places), so a
  wrong entry can be removed but an exercise or a source cannot vanish. No user management.
- **Viewer**: view only.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS

ANALYST, VIEWER = "Analyst", "Viewer"

DELETABLE = {
    "participation",
    "organisationparticipation",
    "troopfigure",
    "scenario",
    "force",
    "exercisename",
    "citation",
    "exerciserelation",
    "externalidentifier",
}


def role_permissions(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[Permission]]:
    models = [m._meta.model_name for m in apps.get_app_config("exercises").get_models()]
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="exercises", content_type__model__in=models
    )
    analyst, viewer = [], []
    for permission in permissions:
        action, model = permission.codename.split("_", 1)
        historical = model.startswith("historical")
        if action == "view":
            analyst.append(permission)
            viewer.append(permission)
        elif action in ("add", "change") and not historical or action == "delete" and model in DELETABLE:
            analyst.append(permission)
    return {ANALYST: analyst, VIEWER: viewer}


def ensure_roles(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Create or update the groups in database ``using`` (idempotent; connected to post_migrate)."""
    for name, permissions in role_permissions(using).items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)
