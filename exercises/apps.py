from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Military exercises"

    def ready(self):
        from django.db.models.signals import post_migrate

        from exercises import signals  # noqa: F401  (connects the receivers that keep derived fields true)
        from exercises.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="exercises-ensure-roles")
