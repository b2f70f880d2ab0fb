from django.urls import path

from planner import report_views, share_views

urlpatterns = [
    path("projects/<int:project_id>/share/", share_views.share_links, name="share_links"),
    path(
        "projects/<int:project_id>/share/<int:link_id>/revoke/",
        share_views.share_link_revoke_view,
        name="share_link_revoke",
    ),
    path("s/<str:token>/", share_views.share_page, name="share_page"),
    path("s/<str:token>/report.pdf", share_views.share_pdf, name="share_pdf"),
    path(
        "s/<str:token>/report/<int:report_id>/",
        share_views.share_report_status,
        name="share_report_status",
    ),
    path("s/<str:token>/plan.md", share_views.share_markdown, name="share_markdown"),
    path("projects/<int:project_id>/report/", report_views.report, name="report"),
    path(
        "projects/<int:project_id>/report/<int:report_id>/status/",
        report_views.report_status,
        name="report_status",
    ),
    path(
        "projects/<int:project_id>/report/<int:report_id>/retry/",
        report_views.report_retry_view,
        name="report_retry",
    ),
    path(
        "projects/<int:project_id>/report/<int:report_id>.pdf",
        report_views.report_download,
        name="report_download",
    ),
    path(
        "projects/<int:project_id>/export.md",
        report_views.project_export_md,
        name="project_export_md",
    ),
]
