from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import catalogue, dti, results, values

router = SimpleRouter()
router.register("indicators", catalogue.IndicatorViewSet, basename="indicator")
router.register("targets", catalogue.TargetViewSet, basename="target")

urlpatterns = [
    *router.urls,
    path("values/", values.ValueListView.as_view(), name="value-list"),
    path(
        "values/<str:indicator>/<str:unit>/<str:period>/",
        values.ValueDetailView.as_view(),
        name="value-detail",
    ),
    path("aggregates/", results.AggregateListView.as_view(), name="aggregate-list"),
    path("completeness/", results.CompletenessView.as_view(), name="completeness"),
    path("dti/", dti.DTIView.as_view(), name="dti"),
]
