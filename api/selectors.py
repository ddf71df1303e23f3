"""Reading API keys, through the policy's one door."""

from django.http import Http404

from api.models import ApiKey
from confidentiality import policy


def api_keys_for_page(user):
    return policy.api_keys_visible_to(user).select_related(
        "created_by__staff_member", "revoked_by__staff_member"
    )


def api_key_get(user, key_id) -> ApiKey:
    try:
        return policy.api_keys_visible_to(user).get(pk=key_id)
    except (ApiKey.DoesNotExist, ValueError, TypeError):
        raise Http404
