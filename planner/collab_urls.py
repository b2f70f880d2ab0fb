"""URLs of the review comments, the activity page, the improvement plan and presence."""

from django.urls import path

from planner import activity_views, comment_views, improvement_views, presence_views

P = "projects/<int:project_id>/"

urlpatterns = [
    path(P + "discussion/", comment_views.discussion, name="discussion"),
    path(P + "discussion/new/", comment_views.thread_new, name="thread_new"),
    path(P + "discussion/<int:thread_id>/reply/", comment_views.thread_reply, name="thread_reply"),
    path(
        P + "discussion/<int:thread_id>/resolve/",
        comment_views.thread_resolve,
        name="thread_resolve",
    ),
    path(P + "activity/", activity_views.activity_page, name="activity"),
    path(P + "improvements/", improvement_views.improvement_list, name="improvements"),
    path(P + "improvements/track/", improvement_views.improvement_track, name="improvement_track"),
    path(
        P + "improvements/<int:item_id>/",
        improvement_views.improvement_edit,
        name="improvement_edit",
    ),
    path(P + "improvements.csv", improvement_views.improvements_csv, name="improvements_csv"),
    path(P + "improvements.md", improvement_views.improvements_md, name="improvements_md"),
    path(P + "presence/<str:step>/", presence_views.presence, name="presence"),
]
