from django.urls import path

from scope import views

urlpatterns = [
    path("support/", views.support_ask, name="support_ask"),
    path("support/contact/", views.support_contact, name="support_contact"),
    path("support/other-help/", views.support_other_help, name="support_other_help"),
    path("scope/", views.scope_page, name="scope"),
    path("scope/new/", views.scope_version_new, name="scope_version_new"),
    path(
        "scope/<int:version_id>/edit/",
        views.scope_version_edit,
        name="scope_version_edit",
    ),
    path(
        "scope/<int:version_id>/schedule/",
        views.scope_version_schedule,
        name="scope_version_schedule",
    ),
    path(
        "scope/<int:version_id>/withdraw/",
        views.scope_version_withdraw,
        name="scope_version_withdraw",
    ),
]
