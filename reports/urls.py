from django.urls import path

import core.converters  # noqa: F401  (registers <period:…>)

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("tao/", views.report_create, name="report_create"),
    path("anh/", views.image_upload, name="image_upload"),
    path("<period:period>/", views.report_detail, name="report_detail"),
    path("<period:period>/sua/", views.report_edit, name="report_edit"),
    path("<period:period>/phat-hanh/", views.report_publish, name="report_publish"),
    path("<period:period>/tep/", views.file_request, name="file_request"),
    path("<period:period>/tep/<int:file_id>/", views.file_status, name="file_status"),
    path("<period:period>/tep/<int:file_id>/tai-ve/", views.file_download, name="file_download"),
]
