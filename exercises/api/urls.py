from rest_framework.routers import DefaultRouter

from exercises.api import views

app_name = "exercises-api"

router = DefaultRouter()
router.register("exercises", views.ExerciseViewSet, basename="exercise")

urlpatterns = router.urls
