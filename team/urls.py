from django.urls import path

from team import views

urlpatterns = [
    path("", views.team, name="team"),
    path(
        "appointments/<int:assignment_id>/",
        views.appointment_acknowledge,
        name="appointment_acknowledge",
    ),
    path("hours/", views.program_hours, name="program_hours"),
    path("hours/<int:entry_id>/remove/", views.hours_remove_view, name="hours_remove"),
]
