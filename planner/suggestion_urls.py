from django.urls import path

from planner import suggestion_views

urlpatterns = [
    path(
        "projects/<int:project_id>/suggestions/",
        suggestion_views.suggestions,
        name="suggestions",
    ),
    path(
        "projects/<int:project_id>/suggestions/add/",
        suggestion_views.suggestion_add,
        name="suggestion_add",
    ),
]
