from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The development-only app: management commands, no models."""

    name = "devtools"
    verbose_name = "Development tools"
