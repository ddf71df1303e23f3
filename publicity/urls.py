from django.urls import path

from publicity import export_views, onboarding_views, views

urlpatterns = [
    path("", views.publicity_page, name="publicity"),
    path("activities/new/", views.activity_new, name="publicity_activity_new"),
    path(
        "activities/<int:activity_id>/",
        views.activity_edit,
        name="publicity_activity_edit",
    ),
    path(
        "activities/<int:activity_id>/held/",
        views.activity_done,
        name="publicity_activity_done",
    ),
    path(
        "activities/<int:activity_id>/cancel/",
        views.activity_cancel,
        name="publicity_activity_cancel",
    ),
    path(
        "activities.csv", export_views.activities_csv, name="publicity_activities_csv"
    ),
    path(
        "activities.xlsx",
        export_views.activities_xlsx,
        name="publicity_activities_xlsx",
    ),
    path("channels.csv", export_views.channels_csv, name="publicity_channels_csv"),
    path("channels.xlsx", export_views.channels_xlsx, name="publicity_channels_xlsx"),
    path("onboarding/", onboarding_views.onboarding_list, name="publicity_onboarding"),
    path(
        "onboarding/told/",
        onboarding_views.onboarding_record,
        name="publicity_onboarding_record",
    ),
    path(
        "onboarding/told/<int:contact_id>/remove/",
        onboarding_views.onboarding_remove,
        name="publicity_onboarding_remove",
    ),
]
