from django.urls import include, path

from planner import views, what_if_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:project_id>/", views.workspace, name="workspace"),
    path("projects/<int:project_id>/settings/", views.project_settings, name="project_settings"),
    path("projects/<int:project_id>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:project_id>/step/<str:step>/", views.workspace_step, name="workspace_step"),
    path("projects/<int:project_id>/context/", views.context_save, name="context_save"),
    path(
        "projects/<int:project_id>/levels/<int:number>/answers/<slug:key>/",
        views.answer_save,
        name="answer_save",
    ),
    path(
        "projects/<int:project_id>/levels/<int:number>/status/",
        views.level_status,
        name="level_status",
    ),
    path("projects/<int:project_id>/rows/<slug:kind>/add/", views.row_add, name="row_add"),
    path("projects/<int:project_id>/rows/<slug:kind>/<int:pk>/", views.row_edit, name="row_edit"),
    path(
        "projects/<int:project_id>/rows/<slug:kind>/<int:pk>/delete/",
        views.row_delete,
        name="row_delete",
    ),
    path(
        "projects/<int:project_id>/techniques/<int:entry_id>/",
        views.technique_save,
        name="technique_save",
    ),
    path("projects/<int:project_id>/core/<slug:key>/", views.core_save, name="core_save"),
    path("projects/<int:project_id>/findings/", views.findings, name="findings"),
    path(
        "projects/<int:project_id>/findings/dismiss/", views.finding_dismiss, name="finding_dismiss"
    ),
    path("", include("planner.suggestion_urls")),
    path("", include("planner.trace_urls")),
    path("", include("planner.adr_urls")),
    path("", include("planner.example_urls")),
    path("projects/<int:project_id>/findings/what-if/", what_if_views.what_if, name="what_if"),
    path("", include("planner.diagram_urls")),
    path("", include("planner.milestone_urls")),
]
