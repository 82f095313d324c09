"""Everything under /api/v1/: each app's API routes, plus the OpenAPI schema and its Swagger UI.

The Swagger UI's JavaScript and CSS come from drf-spectacular-sidecar's static files (the deployment
machines have no internet). Any other address under /api/v1/ answers a JSON 404.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from units.api.views import api_not_found

app_name = "api"

urlpatterns = [
    path("", include("units.api.urls")),
    path("", include("indicators.api.urls")),
    path("", include("imports.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^.*$", api_not_found),
]
