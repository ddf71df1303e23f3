from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.roles, name="roles"),
    path("<int:assignment_id>/revoke/", views.role_revoke_view, name="role_revoke"),
]
