from django.urls import path

from .views import ImportCreateView

urlpatterns = [
    path("imports/", ImportCreateView.as_view(), name="import-create"),
]
