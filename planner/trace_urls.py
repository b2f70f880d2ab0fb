from django.urls import path

from planner import trace_views

urlpatterns = [
    path("projects/<int:project_id>/trace/", trace_views.trace, name="trace"),
]
