from django.urls import path

from planner import adr_views

urlpatterns = [
    path("projects/<int:project_id>/adr.zip", adr_views.project_adrs, name="project_adrs"),
]
