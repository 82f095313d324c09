"""Monthly entry and review pages, mounted at /nhap-so-lieu/."""

from django.urls import path

from . import views

app_name = "entry"

urlpatterns = [
    path("", views.entry_home, name="home"),
    path("duyet/", views.review_list, name="review_list"),
    path("duyet/<str:period>/", views.review_list, name="review_period"),
    path("duyet/<str:unit>/<str:period>/", views.review_detail, name="review_detail"),
    path("duyet/<str:unit>/<str:period>/<str:action>/", views.decide, name="decide"),
    path("bang/<str:group>/<str:period>/", views.table_form, name="table_form"),
    path("lich-su/<str:indicator>/<str:unit>/<str:period>/", views.value_history, name="value_history"),
    path("minh-chung/<uuid:key>/", views.evidence_download, name="evidence_download"),
    path("<str:unit>/<str:period>/", views.unit_form, name="unit_form"),
    path(
        "<str:unit>/<str:period>/minh-chung/<str:indicator>/", views.upload_evidence, name="upload_evidence"
    ),
]
