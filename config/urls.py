from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("planner.urls")),
    path("", include("planner.catalogue_urls")),
    path("", include("planner.document_urls")),
    path("", include("planner.share_urls")),
    path("", include("planner.collab_urls")),
]
