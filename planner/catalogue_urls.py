from django.urls import path

from planner import catalogue_views as views

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.catalogue_entry_create, name="catalogue_entry_create"),
    path("catalogue/<int:pk>/", views.catalogue_entry, name="catalogue_entry"),
    path("catalogue/<int:pk>/edit/", views.catalogue_entry_edit, name="catalogue_entry_edit"),
    path("catalogue/<int:pk>/delete/", views.catalogue_entry_delete, name="catalogue_entry_delete"),
]
