from django.urls import path

from planner import example_views

urlpatterns = [
    path("projects/start/", example_views.project_start, name="project_start"),
    path("projects/start/<slug:slug>/", example_views.example_start, name="example_start"),
    path("projects/<int:project_id>/copy/", example_views.project_copy, name="project_copy"),
]
