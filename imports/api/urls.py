from django.urls import path

from .views import ImportCreateView, ImportUndoView

urlpatterns = [
    path("imports/", ImportCreateView.as_view(), name="import-create"),
    path("imports/<int:pk>/undo/", ImportUndoView.as_view(), name="import-undo"),
]
