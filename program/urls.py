from django.urls import path

from program import views

urlpatterns = [
    path("settings/", views.program_settings_view, name="program_settings"),
]
