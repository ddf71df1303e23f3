"""Asking for support for a colleague, or for oneself without signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from confidentiality import policy
from organization.models import StaffMember
from outreach import referral_services
from outreach.forms import (
    ColleagueReferralForm,
    ColleagueSearchForm,
    PublicRequestForm,
    ReferralPreferencesForm,
)
from outreach.models import ReferralKind
from program.selectors import program_settings


@login_required
def refer_colleague(request):
    policy.require(policy.may_ask_for_support(request.user))
    form = ColleagueSearchForm(request.GET or None)
    results = []
    if form.is_valid():
        results = list(
            policy.colleagues_findable_by(request.user, query=form.cleaned_data["q"])
        )
    return render(
        request,
        "outreach/refer_colleague.html",
        {"form": form, "results": results, "searched": form.is_valid()},
    )


@login_required
def refer_colleague_confirm(request, staff_member_id: int):
    policy.require(policy.may_ask_for_support(request.user))
    colleague = policy.access_colleague(request.user, staff_member_id)
    form = ColleagueReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        kind = (
            ReferralKind.LEADER
            if form.cleaned_data["as_leader"]
            else (ReferralKind.COLLEAGUE)
        )
        try:
            offer = referral_services.colleague_refer(
                user=request.user,
                colleague=colleague,
                kind=kind,
                how_heard=form.cleaned_data["how_heard"] or "",
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return render(
                request,
                "outreach/referred.html",
                {
                    "colleague": colleague,
                    "offer": offer,
                    "settings": program_settings(),
                },
            )
    return render(
        request,
        "outreach/refer_colleague_confirm.html",
        {"colleague": colleague, "form": form},
    )


# --- Without signing in -------------------------------------------------------------------------

REQUEST_SALT = "outreach.public_request"
REQUEST_VALID_FOR = 24 * 3600


@never_cache
def public_request(request):
    """Ask for support without an account: we e-mail a link to the work address given.

    The page says the same whatever the address, so it tells nobody who is
    on the roster.
    """
    form = PublicRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral_services.public_request_link_send(
            email=form.cleaned_data["email"], salt=REQUEST_SALT
        )
        return render(request, "outreach/public_request_sent.html")
    return render(request, "outreach/public_request.html", {"form": form})


@never_cache
def public_request_confirm(request, token: str):
    try:
        email = signing.loads(token, salt=REQUEST_SALT, max_age=REQUEST_VALID_FOR)[
            "email"
        ]
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "outreach/public_request_expired.html", status=404)
    person = StaffMember.objects.filter(
        is_active=True, work_email__iexact=email
    ).first()
    if person is None:
        return render(request, "outreach/public_request_expired.html", status=404)
    form = ReferralPreferencesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        offer, in_scope = referral_services.self_refer(
            person=person, preferences=form.preferences(), actor=None
        )
        messages.success(request, "Thank you.")
        return render(
            request,
            "outreach/requested.html" if in_scope else "scope/support_other_help.html",
            {"offer": offer, "settings": program_settings(), "person": person},
        )
    return render(
        request,
        "outreach/public_request_confirm.html",
        {"form": form, "person": person},
    )
