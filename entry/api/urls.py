"""Routes of the approval workflow API (mounted under /api/v1/ before the values routes)."""

from django.urls import path

from . import views as workflow

urlpatterns = [
    path("submissions/", workflow.SubmissionListView.as_view(), name="submission-list"),
    path(
        "submissions/<str:unit>/<str:period>/submit/", workflow.SubmitView.as_view(), name="submission-submit"
    ),
    path(
        "submissions/<str:unit>/<str:period>/approve/",
        workflow.ApproveView.as_view(),
        name="submission-approve",
    ),
    path(
        "submissions/<str:unit>/<str:period>/return/", workflow.ReturnView.as_view(), name="submission-return"
    ),
    path(
        "submissions/<str:unit>/<str:period>/unlock/", workflow.UnlockView.as_view(), name="submission-unlock"
    ),
    path(
        "values/<str:indicator>/<str:unit>/<str:period>/history/",
        workflow.ValueHistoryView.as_view(),
        name="value-history",
    ),
]
