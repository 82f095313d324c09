"""Pages of the Ban Chỉ đạo's plan, mounted at /ke-hoach/."""

from django.urls import path, re_path

import core.converters  # noqa: F401  (registers <quarter:…>)
from core.periods import QUARTER_URL_REGEX

from .models import REF_REGEX
from .views import dashboard, imports, reporting, review, synthesis

REF_URL_REGEX = REF_REGEX.strip("^$")

app_name = "plans"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("<int:year>/", dashboard.dashboard, name="dashboard"),
    re_path(rf"^(?P<year>[0-9]{{4}})/nhiem-vu/(?P<ref>{REF_URL_REGEX})/$", dashboard.task_detail, name="task_detail"),
    path("bao-cao/", reporting.report_home, name="report_home"),
    path("bao-cao/<slug:unit>/<quarter:quarter>/", reporting.report_form, name="report_form"),
    path("minh-chung/<uuid:key>/", reporting.evidence_download, name="evidence_download"),
    path("minh-chung/<uuid:key>/xoa/", reporting.evidence_delete, name="evidence_delete"),
    path("duyet/", review.review_list, name="review_list"),
    path("duyet/<quarter:quarter>/", review.review_list, name="review_quarter"),
    path("duyet/<slug:unit>/<quarter:quarter>/", review.review_detail, name="review_detail"),
    path("duyet/<slug:unit>/<quarter:quarter>/<str:action>/", review.decide, name="decide"),
    path("tong-hop/<quarter:quarter>/", synthesis.synthesis, name="synthesis"),
    re_path(
        rf"^tong-hop/(?P<quarter>{QUARTER_URL_REGEX})/tai-ve\.(?P<fmt>html|docx|pdf)$",
        synthesis.synthesis_download,
        name="synthesis_download",
    ),
    path("tong-hop/<quarter:quarter>/phat-hanh/", synthesis.synthesis_publish, name="synthesis_publish"),
    path("nhap/", imports.plan_import, name="plan_import"),
]
