from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("targets", views.TargetViewSet, basename="target")

urlpatterns = [
    *router.urls,
    path("values/", views.ValueListView.as_view(), name="value-list"),
    path(
        "values/<str:indicator>/<str:unit>/<str:period>/",
        views.ValueDetailView.as_view(),
        name="value-detail",
    ),
    path("aggregates/", views.AggregateListView.as_view(), name="aggregate-list"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("dti/", views.DTIView.as_view(), name="dti"),
]
