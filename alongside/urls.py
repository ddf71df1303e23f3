from django.urls import include, path

from organization.urls import roster_patterns, structure_patterns

urlpatterns = [
    path("", include("home.urls")),
    path("people/", include(roster_patterns)),
    path("organization/", include(structure_patterns)),
    path("roles/", include("accounts.urls")),
    path("", include("confidentiality.urls")),
    path("system/", include("worker.urls")),
    path("accounts/", include("allauth.urls")),
]

handler404 = "home.views.not_found"
