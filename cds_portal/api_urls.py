"""Everything under /api/v1/: each app's API routes, plus the OpenAPI schema and its Swagger UI.

The Swagger UI's JavaScript and CSS come from drf-spectacular-sidecar's static files (the deployment
machines have no internet). Any other address under /api/v1/ answers a JSON 404.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from core.api import api_not_found

app_name = "api"

urlpatterns = [
    path("", include("units.api.urls")),
    path("", include("entry.api.urls")),  # before the values routes: .../history/
    path("", include("indicators.api.urls")),
    path("", include("imports.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("plans.api.urls")),
    # The split view serves Swagger UI's start-up script as a file (?script), so the page runs under
    # the Content-Security-Policy's script-src 'self' without an inline script.
    # The description of the API is public (it holds no data), so a client can read it before it has
    # a token; Swagger UI then sends the user's session or the token typed into "Authorize".
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    re_path(r"^.*$", api_not_found),
]
