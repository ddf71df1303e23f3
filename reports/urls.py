from django.urls import path

from reports import views

urlpatterns = [
    path("", views.program_dashboard_view, name="program_dashboard"),
    path(
        "export/<str:table>.<str:format>",
        views.program_dashboard_export,
        name="program_dashboard_export",
    ),
]
