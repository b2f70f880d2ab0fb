from django.urls import path

from planner import compare_views, milestone_views

MILESTONE = "projects/<int:project_id>/milestones/<int:milestone_id>/"

urlpatterns = [
    path("projects/<int:project_id>/milestones/", milestone_views.milestones, name="milestones"),
    path(
        "projects/<int:project_id>/milestones/new/",
        milestone_views.milestone_new,
        name="milestone_new",
    ),
    path(MILESTONE, milestone_views.milestone, name="milestone"),
    path(MILESTONE + "plan.md", milestone_views.milestone_markdown, name="milestone_markdown"),
    path(MILESTONE + "plan.json", milestone_views.milestone_json, name="milestone_json"),
    path(MILESTONE + "report/", milestone_views.milestone_report, name="milestone_report"),
    path(
        MILESTONE + "reviews/",
        milestone_views.milestone_review_request,
        name="milestone_review_request",
    ),
    path(
        MILESTONE + "reviews/answer/",
        milestone_views.milestone_review_answer,
        name="milestone_review_answer",
    ),
    path("projects/<int:project_id>/compare/", compare_views.compare_page, name="compare"),
    path(
        "projects/<int:project_id>/compare/changes.md",
        compare_views.compare_markdown,
        name="compare_markdown",
    ),
    path(
        "projects/<int:project_id>/compare/report/",
        compare_views.compare_report,
        name="compare_report",
    ),
]
