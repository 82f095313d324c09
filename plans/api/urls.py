"""Routes of the plan API (mounted under /api/v1/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("plan-tasks/", views.PlanTaskListView.as_view(), name="plan-task-list"),
    path("plan-tasks/submissions/", views.ReportListView.as_view(), name="plan-submission-list"),
    path(
        "plan-tasks/submissions/<str:unit>/<str:quarter>/submit/",
        views.SubmitView.as_view(),
        name="plan-submission-submit",
    ),
    path(
        "plan-tasks/submissions/<str:unit>/<str:quarter>/approve/",
        views.ApproveView.as_view(),
        name="plan-submission-approve",
    ),
    path(
        "plan-tasks/submissions/<str:unit>/<str:quarter>/return/",
        views.ReturnView.as_view(),
        name="plan-submission-return",
    ),
    path("plan-tasks/<int:pk>/", views.PlanTaskDetailView.as_view(), name="plan-task-detail"),
    path("plan-tasks/<int:pk>/progress/", views.PlanTaskProgressView.as_view(), name="plan-task-progress"),
]
