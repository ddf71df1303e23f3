"""The clinician's "my support" page, and withdrawing a request from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alongside.service_errors import error_text
from confidentiality import policy
from outreach.my_support import my_offers, own_request_withdraw
from resources.selectors import crisis_resources

READS_SHOWN = 10


@login_required
def my_support(request):
    return render(
        request,
        "outreach/my_support.html",
        {
            "offers": my_offers(request.user),
            "crisis_resources": crisis_resources(),
            "reads": policy.access_events_about_visible_to(request.user).select_related(
                "actor__staff_member"
            )[:READS_SHOWN],
        },
    )


@login_required
@require_POST
def my_request_withdraw(request, offer_id: int):
    offer = policy.access_own_offer(request.user, offer_id)
    try:
        own_request_withdraw(actor=request.user, offer=offer)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            "Your request is withdrawn and deleted. You can ask again at any time.",
        )
    return redirect("my_support")
