from django.urls import path

from worker import views

urlpatterns = [
    path("", views.system_status, name="system_status"),
]
