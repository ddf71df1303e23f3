"""/system/api-keys/: the IT administrator's page for API keys."""

from django.urls import path

from api import views

urlpatterns = [
    path("", views.api_keys, name="api_keys"),
    path("<int:key_id>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
