from django.urls import path

from planner import diagram_views

urlpatterns = [
    path(
        "projects/<int:project_id>/diagrams/<slug:name>/live.svg",
        diagram_views.diagram_live,
        name="diagram_live",
    ),
    path(
        "projects/<int:project_id>/diagrams/<slug:name>.<slug:fmt>",
        diagram_views.diagram_download,
        name="diagram_download",
    ),
]
