from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("lich-su/", views.history, name="history"),
    path("mau-nhap-lieu/", views.entry_template, name="entry_template"),
    path("lo/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("lo/<int:pk>/trang-thai/", views.batch_status, name="batch_status"),
    path("lo/<int:pk>/sua/", views.batch_update, name="batch_update"),
    path("lo/<int:pk>/xac-nhan/", views.batch_commit, name="batch_commit"),
    path("lo/<int:pk>/hoan-tac/", views.batch_undo, name="batch_undo"),
]
