from django.urls import path

from planner import document_views

urlpatterns = [
    path(
        "projects/<int:project_id>/export.json",
        document_views.project_export_json,
        name="project_export_json",
    ),
    path("projects/import/", document_views.project_import, name="project_import"),
]
