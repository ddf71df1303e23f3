"""/api/v1/: the event-ingest API (django-ninja), its operations named in namespace "api"."""

from django.urls import path

from api.api import api

urlpatterns = [path("", api.urls)]
