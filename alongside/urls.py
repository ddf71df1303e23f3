from django.urls import include, path

from home.views import not_found
from organization.urls import roster_patterns, structure_patterns

urlpatterns = [
    # First: machines call it most, and Django tries patterns in order.
    path("api/v1/", include("api.urls")),
    path("", include("home.urls")),
    path("people/", include(roster_patterns)),
    path("organization/", include(structure_patterns)),
    path("roles/", include("accounts.urls")),
    path("program/", include("program.urls")),
    path("", include("scope.urls")),
    path("team/", include("team.urls")),
    path("", include("selection.urls")),
    path("training/", include("training.urls")),
    path("events/", include("events.urls")),
    path("", include("outreach.urls")),
    path("resources/", include("resources.urls")),
    path("guide/", include("guide.urls")),
    path("", include("conversations.urls")),
    path("", include("surveys.urls")),
    path("results/", include("reports.urls")),
    path("publicity/", include("publicity.urls")),
    path("brief/", include("brief.urls")),
    path("system/api-keys/", include("api.key_urls")),
    path("", include("confidentiality.urls")),
    path("system/", include("worker.urls")),
    # Work e-mail comes from the roster (and links the account to it), so
    # allauth's page for adding or changing addresses is switched off.
    path("accounts/email/", not_found),
    path("accounts/", include("allauth.urls")),
]

handler404 = "home.views.not_found"
handler500 = "alongside.middleware.server_error"
