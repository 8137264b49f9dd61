from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Military exercises"

    def ready(self):
        from exercises import signals  # noqa: F401  (connects the receivers that keep derived fields true)
