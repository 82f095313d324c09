from django.urls import path, re_path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("indicators/<str:code>/", views.indicator_detail, name="indicator_detail"),
    re_path(
        r"^indicators/(?P<code>[^/]+)/tai-ve\.(?P<fmt>xlsx|csv)$",
        views.indicator_download,
        name="indicator_download",
    ),
    # The unit dashboard reads indicators, so it lives in this app (units depends on no other app).
    path("units/<slug:code>/", views.unit_detail, name="unit_detail"),
    path("rankings/<str:group>/", views.group_ranking, name="group_ranking"),
    path("dti/", views.dti_latest, name="dti_latest"),
    path("dti/<int:year>/", views.dti_ranking, name="dti_ranking"),
]
