"""Everything under /api/v1/: each app's API routes, plus the OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

app_name = "api"

urlpatterns = [
    path("", include("imports.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
