from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from confidentiality import policy


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    current: bool


def _items(request) -> list[NavigationItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    candidates = [
        ("Home", "home", True),
        ("Outreach", "outreach_queue", policy.may_run_outreach(user)),
        ("Your assignments", "my_assignments", policy.is_peer_supporter(user)),
        ("Events", "event_list", policy.may_record_events(user)),
        ("Team", "team", policy.may_view_team(user)),
        ("Selection", "selection", policy.may_run_selection(user)),
        ("Training", "training_overview", policy.may_manage_training(user)),
        ("Your training", "my_training", policy.is_peer_supporter(user)),
        ("Conversation guide", "guide", policy.is_peer_supporter(user)),
        ("Results", "program_dashboard", policy.may_view_program_dashboard(user)),
        ("Surveys", "survey_list", policy.may_view_survey_results(user)),
        ("Brief", "brief", policy.may_view_brief(user)),
        ("Publicity", "publicity", policy.may_manage_publicity(user)),
        ("Scope", "scope", policy.may_view_scope(user)),
        ("People", "roster", policy.may_manage_roster(user)),
        (
            "Organization",
            "organization_settings",
            policy.may_configure_organization(user),
        ),
        ("Roles", "roles", policy.may_view_roles(user)),
        ("Audit log", "audit_log", policy.may_view_audit_log(user)),
        ("System", "system_status", policy.may_view_system_status(user)),
        ("API keys", "api_keys", policy.may_manage_api_keys(user)),
        ("Resources", "resources", True),
        ("Ask for support", "support_ask", policy.may_ask_for_support(user)),
    ]
    visible = [(label, reverse(name)) for label, name, shown in candidates if shown]
    # The current section is the longest link the path starts with, so
    # /system/api-keys/ marks "API keys", not "System" as well; Home is marked
    # only on the home page itself, not on pages outside the navigation.
    matching = [
        url
        for _, url in visible
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(matching, key=len) if matching else None
    return [
        NavigationItem(label=label, url=url, current=url == current)
        for label, url in visible
    ]


def navigation(request) -> dict:
    return {
        "navigation": SimpleLazyObject(lambda: _items(request)),
        "organization_name": settings.ORGANIZATION_NAME,
        "demo_mode": settings.DEMO_MODE,
    }
