from django.urls import path
from rest_framework.routers import DefaultRouter

from exercises.api import releases, tokens, views

app_name = "exercises-api"


router = DefaultRouter()  # its root lists every endpoint
router.register("exercises", views.ExerciseViewSet, basename="exercise")
router.register("participations", views.ParticipationViewSet, basename="participation")
router.register("troop-figures", views.TroopFigureViewSet, basename="troopfigure")
router.register("states", views.StateViewSet, basename="state")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("locations", views.LocationViewSet, basename="location")
router.register("scenarios", views.ScenarioViewSet, basename="scenario")
router.register("sources", views.SourceViewSet, basename="source")
router.register("deletions", views.DeletionViewSet, basename="deletion")
router.register("stats", views.StatsViewSet, basename="stats")
router.register("releases", releases.ReleaseViewSet, basename="release")

urlpatterns = [
    path("auth/token/", tokens.LoginView.as_view(), name="token"),
    path("auth/logout/", tokens.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", tokens.LogoutAllView.as_view(), name="logout-all"),
    path(
        "releases/<str:version>/<str:filename>",
        releases.ReleaseViewSet.as_view({"get": "download"}),
        name="release-file",
    ),
    *router.urls,
]
