from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cds_portal.health import healthz
from dashboards import views as dashboard_views
from reports import views as report_views

admin.site.site_header = _("Quản trị CĐS Portal")
admin.site.site_title = _("CĐS Portal")
admin.site.index_title = _("Danh mục và dữ liệu")

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Every signed-in user changes their own password; staff reset others' in the admin (Người dùng).
    path("accounts/mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/mat-khau/da-doi/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("dashboards.urls")),  # /indicators/<CODE>/, /dti/<YEAR>/
    path("units/", include("units.urls")),
    path("nhap-lieu/", include("imports.urls")),
    path("nhap-so-lieu/", include("entry.urls")),
    path("bao-cao/", include("reports.urls")),
    path("ke-hoach/", include("plans.urls")),
    path("api/v1/", include("cds_portal.api_urls")),
    path("media/reports/images/<str:name>", report_views.image_file, name="report_image"),
    path("admin/", admin.site.urls),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
