from django.urls import path

from resources import views

urlpatterns = [
    path("", views.resources_page, name="resources"),
    path("manage/", views.resources_manage, name="resources_manage"),
    path("manage/new/", views.resource_new, name="resource_new"),
    path("manage/<int:resource_id>/", views.resource_edit, name="resource_edit"),
    path(
        "manage/<int:resource_id>/retire/",
        views.resource_retire,
        name="resource_retire",
    ),
    path("manage/import/", views.resources_import, name="resources_import"),
    path(
        "manage/export.json", views.resources_export_json, name="resources_export_json"
    ),
    path("manage/export.zip", views.resources_export_csv, name="resources_export_csv"),
]
