from django.urls import path

from organization import import_views, views

roster_patterns = [
    path("", views.roster, name="roster"),
    path(
        "<int:staff_member_id>/", views.staff_member_detail, name="staff_member_detail"
    ),
    path("import/", import_views.roster_import_new, name="roster_import_new"),
    path(
        "import/<int:import_id>/",
        import_views.roster_import_detail,
        name="roster_import_detail",
    ),
    path(
        "import/<int:import_id>/progress/",
        import_views.roster_import_progress,
        name="roster_import_progress",
    ),
]

structure_patterns = [
    path("", views.organization_settings, name="organization_settings"),
    path(
        "<str:kind>/<int:pk>/",
        views.organization_unit_edit,
        name="organization_unit_edit",
    ),
]
