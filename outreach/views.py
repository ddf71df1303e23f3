from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alongside.service_errors import error_text
from confidentiality import policy
from conversations.selectors import encounters_for_offer, referrals_for_offer
from outreach import selectors, services
from outreach.forms import (
    OfferCloseForm,
    OfferMoveForm,
    OfferReassignForm,
    OnCallWindowForm,
    SupporterProfileForm,
)
from outreach.models import OfferState, SupporterProfile
from training.selectors import current_supporters

# --- Program staff -----------------------------------------------------------------------------


@login_required
def outreach_queue(request):
    policy.require(policy.may_run_outreach(request.user))
    state = request.GET.get("state", "")
    if state not in OfferState.values:
        state = ""
    offers = selectors.outreach_queue(request.user, state=state)
    return render(
        request,
        "outreach/queue.html",
        {
            "page": Paginator(offers, 50).get_page(request.GET.get("page")),
            "counts": selectors.outreach_counts(request.user),
            "state": OfferState(state) if state else None,
        },
    )


@login_required
def offer_detail(request, offer_id: int):
    policy.require(policy.may_run_outreach(request.user))
    offer = policy.access_offer(
        request.user, offer_id, purpose="Opened an outreach offer"
    )
    return render(
        request,
        "outreach/offer_detail.html",
        {
            "offer": offer,
            "timeline": selectors.offer_timeline(offer),
            "encounters": encounters_for_offer(request.user, offer),
            "referrals": referrals_for_offer(request.user, offer),
            "notes_readable": policy.may_read_every_encounter_note(request.user),
            "reassign_form": OfferReassignForm(
                supporters=current_supporters().exclude(pk=offer.person_id)
            )
            if offer.state in {OfferState.NEW, OfferState.ASSIGNED}
            else None,
            "close_form": OfferCloseForm() if offer.is_open else None,
        },
    )


@login_required
@require_POST
def offer_reassign(request, offer_id: int):
    policy.require(policy.may_run_outreach(request.user))
    offer = policy.access_offer(request.user, offer_id, purpose="Reassigned an offer")
    form = OfferReassignForm(
        request.POST, supporters=current_supporters().exclude(pk=offer.person_id)
    )
    if not form.is_valid():
        messages.error(request, "Choose a supporter and say why.")
        return redirect("offer_detail", offer.pk)
    try:
        services.offer_reassign(
            actor=request.user,
            offer=offer,
            supporter=form.cleaned_data["supporter"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Assigned to {form.cleaned_data['supporter']}.")
    return redirect("offer_detail", offer.pk)


@login_required
@require_POST
def offer_close(request, offer_id: int):
    policy.require(policy.may_run_outreach(request.user))
    offer = policy.access_offer(request.user, offer_id, purpose="Closed an offer")
    form = OfferCloseForm(request.POST)
    if form.is_valid():
        try:
            services.offer_move(
                actor=request.user,
                offer=offer,
                to_state=OfferState.CLOSED,
                close_reason=form.cleaned_data["close_reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "The offer is closed.")
    return redirect("offer_detail", offer.pk)


# --- The supporter -------------------------------------------------------------------------------


@login_required
def my_assignments(request):
    policy.require(policy.is_peer_supporter(request.user))
    return render(
        request,
        "outreach/my_assignments.html",
        {"offers": selectors.my_assignments(request.user)},
    )


@login_required
@require_POST
def assignment_move(request, offer_id: int):
    policy.require(policy.is_peer_supporter(request.user))
    offer = policy.access_offer(request.user, offer_id, purpose="Logged outreach")
    form = OfferMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That step was not understood; try again.")
        return redirect("my_assignments")
    try:
        services.offer_move(
            actor=request.user,
            offer=offer,
            to_state=form.cleaned_data["to_state"],
            close_reason=form.cleaned_data["close_reason"],
            detail="Logged by the supporter.",
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Noted.")
    return redirect("my_assignments")


@login_required
@require_POST
def assignment_first_message(request, offer_id: int):
    policy.require(policy.is_peer_supporter(request.user))
    offer = policy.access_offer(request.user, offer_id, purpose="Sent a first message")
    try:
        services.first_message_send(actor=request.user, offer=offer)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"“Touching base” is on its way to {offer.person.first_name}. "
            "You will hear when they answer.",
        )
    return redirect("my_assignments")


@login_required
def my_availability(request):
    """On-call windows and what the supporter tells matching about themselves."""
    policy.require(policy.is_peer_supporter(request.user))
    staff_member = request.user.staff_member
    profile, _ = SupporterProfile.objects.get_or_create(staff_member=staff_member)
    window_form = OnCallWindowForm(prefix="window")
    profile_form = SupporterProfileForm(instance=profile, prefix="profile")
    if request.method == "POST":
        if "window-starts_at" in request.POST:
            window_form = OnCallWindowForm(request.POST, prefix="window")
            if window_form.is_valid():
                services.on_call_window_add(
                    user=request.user,
                    starts_at=window_form.cleaned_data["starts_at"],
                    ends_at=window_form.cleaned_data["ends_at"],
                )
                messages.success(request, "You are on call then. Thank you.")
                return redirect("my_availability")
        else:
            profile_form = SupporterProfileForm(
                request.POST, instance=profile, prefix="profile"
            )
            if profile_form.is_valid():
                services.supporter_profile_save(
                    user=request.user, profile=profile_form.instance
                )
                messages.success(request, "Saved.")
                return redirect("my_availability")
    return render(
        request,
        "outreach/my_availability.html",
        {
            "windows": policy.on_call_windows_visible_to(request.user).order_by(
                "-starts_at"
            )[:20],
            "window_form": window_form,
            "profile_form": profile_form,
        },
    )


@login_required
@require_POST
def on_call_window_remove(request, window_id: int):
    policy.require(policy.is_peer_supporter(request.user))
    window = policy.access_own_on_call_window(request.user, window_id)
    services.on_call_window_remove(user=request.user, window=window)
    messages.success(request, "Removed.")
    return redirect("my_availability")


# --- The person's answer, from the e-mail --------------------------------------------------------


@never_cache
def offer_answer(request, token: str):
    """No sign-in: the link is the key. GET shows the choice (pre-selected); POST answers.

    Opening the link changes nothing, so a mail scanner that follows links
    cannot answer for the person.
    """
    offer = services.offer_for_answer_token(token)
    answer = request.POST.get("answer") or request.GET.get("answer", "")
    if request.method == "POST" and offer is not None and answer in services.ANSWERS:
        offer = services.offer_answer(token=token, answer=answer)
        return render(
            request, "outreach/answered.html", {"offer": offer, "answer": answer}
        )
    return render(
        request,
        "outreach/answer.html",
        {"offer": offer, "answer": answer if answer in services.ANSWERS else ""},
        status=200 if offer else 404,
    )
