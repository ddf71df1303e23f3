from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy
from conversations import referrals, selectors, services
from conversations.forms import CareCheckForm, EncounterForm, FacilitatedReferralForm
from program.selectors import program_settings


@login_required
def encounter_log(request, offer_id: int):
    """The supporter's page for one case: conversations so far, the next, referrals."""
    offer = _own_case(request, offer_id, purpose="Logged a conversation")
    program = program_settings()
    form = EncounterForm(
        request.POST if request.method == "POST" else None,
        notes_enabled=program.encounter_notes_enabled,
    )
    if form.is_valid():
        try:
            encounter = services.encounter_log(
                actor=request.user,
                offer=offer,
                occurred_on=form.cleaned_data["occurred_on"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                modality=form.cleaned_data["modality"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return redirect("care_check", encounter.pk)
    return _case_page(request, offer, form=form)


@login_required
@require_POST
def facilitated_referral_make(request, offer_id: int):
    offer = _own_case(request, offer_id, purpose="Made a facilitated referral")
    referral_form = FacilitatedReferralForm(request.POST)
    if referral_form.is_valid():
        try:
            referrals.facilitated_referral_make(
                actor=request.user,
                offer=offer,
                resource=referral_form.cleaned_data["resource"],
                consent=referral_form.cleaned_data["consent"],
                follow_up_with=referral_form.cleaned_data["follow_up_with"],
            )
        except ValidationError as error:
            form_errors_add(referral_form, error)
        else:
            messages.success(
                request,
                "Referral recorded. Alongside will ask whether they got there.",
            )
            return redirect("encounter_log", offer.pk)
    return _case_page(request, offer, referral_form=referral_form)


@login_required
@require_POST
def facilitated_referral_outcome(request, referral_id: int):
    referral = policy.access_own_facilitated_referral(request.user, referral_id)
    try:
        referrals.facilitated_referral_record_outcome(
            actor=request.user,
            referral=referral,
            outcome=request.POST.get("outcome", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Noted. Thank you for closing the loop.")
    return redirect("encounter_log", referral.offer_id)


def referral_answer(request, token: str):
    """No sign-in: the link is the key. GET shows the choice; POST answers, once."""
    referral = referrals.referral_for_answer_token(token)
    answer = request.POST.get("answer") or request.GET.get("answer", "")
    if (
        request.method == "POST"
        and referral is not None
        and answer in referrals.ANSWERS
    ):
        referrals.facilitated_referral_answer(token=token, outcome=answer)
        return render(request, "conversations/referral_answered.html", {})
    return render(
        request,
        "conversations/referral_answer.html",
        {"referral": referral, "answer": answer if answer in referrals.ANSWERS else ""},
        status=200 if referral else 404,
    )


def _own_case(request, offer_id: int, *, purpose: str):
    policy.require(policy.is_peer_supporter(request.user))
    offer = policy.access_offer(request.user, offer_id, purpose=purpose)
    policy.require(policy.may_log_encounter(request.user, offer))
    return offer


def _case_page(request, offer, *, form=None, referral_form=None):
    program = program_settings()
    encounters = list(selectors.encounters_for_offer(request.user, offer))
    return render(
        request,
        "conversations/encounter_log.html",
        {
            "offer": offer,
            "form": form
            or EncounterForm(notes_enabled=program.encounter_notes_enabled),
            "referral_form": referral_form or FacilitatedReferralForm(),
            "referrals": selectors.referrals_for_offer(request.user, offer),
            "outcomes": referrals.ANSWERS,
            "encounters": encounters,
            "notes_shown": any(encounter.note for encounter in encounters),
            "next_number": len(encounters) + 1,
            "cap": program.conversations_per_case,
            "over_cap": len(encounters) >= program.conversations_per_case,
        },
        status=200,
    )


@login_required
def care_check(request, encounter_id: int):
    """Two questions for the supporter about themselves, after each conversation."""
    policy.require(policy.is_peer_supporter(request.user))
    encounter = policy.access_encounter_for_care_check(request.user, encounter_id)
    if hasattr(encounter, "care_check"):
        return redirect("my_assignments")
    form = CareCheckForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            check = services.care_check_answer(
                actor=request.user,
                encounter=encounter,
                heaviness=form.cleaned_data["heaviness"],
                wants_debrief=form.cleaned_data["wants_debrief"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            if check.wants_debrief:
                messages.success(
                    request,
                    "Thank you. The program director has been asked to arrange a "
                    "debrief with you.",
                )
            else:
                messages.success(request, "Thank you. The conversation is logged.")
            return redirect("my_assignments")
    return render(
        request,
        "conversations/care_check.html",
        {"form": form, "encounter": encounter},
    )


@login_required
def safety_concern(request):
    """The crisis protocol and crisis lines; supporters alert program staff from here."""
    policy.require(policy.may_read_crisis_protocol(request.user))
    raised = None
    if request.method == "POST":
        policy.require(policy.may_raise_safety_concern(request.user))
        try:
            raised = services.safety_concern_raise(actor=request.user)
        except PermissionDenied as error:
            messages.error(request, error_text(error))
    return render(
        request,
        "conversations/safety_concern.html",
        {
            "protocol": program_settings().crisis_protocol,
            "crisis_resources": _crisis_resources(),
            "raised": raised,
            "may_raise": policy.may_raise_safety_concern(request.user),
        },
    )


def _crisis_resources():
    from resources.selectors import crisis_resources

    return crisis_resources()


@login_required
def supporter_care(request):
    """The director's view of the people doing the supporting."""
    policy.require(policy.may_care_for_supporters(request.user))
    return render(
        request,
        "conversations/supporter_care.html",
        {
            "safety_concerns": selectors.safety_concerns_waiting(request.user),
            "debrief_requests": selectors.debrief_requests_waiting(request.user),
            "over_cap": selectors.cases_over_the_cap(request.user),
            "cap": program_settings().conversations_per_case,
            "load": selectors.supporter_load(request.user),
            "referral_outcomes": selectors.referral_outcomes(request.user),
        },
    )


@login_required
@require_POST
def debrief_handled(request, request_id: int):
    policy.require(policy.may_care_for_supporters(request.user))
    debrief = get_object_or_404(
        policy.debrief_requests_visible_to(request.user).select_related("supporter"),
        pk=request_id,
    )
    services.debrief_handle(actor=request.user, request=debrief)
    messages.success(request, f"Debrief with {debrief.supporter} marked as arranged.")
    return redirect("supporter_care")


@login_required
@require_POST
def safety_concern_acknowledged(request, concern_id: int):
    policy.require(policy.may_acknowledge_safety_concerns(request.user))
    concern = get_object_or_404(
        policy.safety_concerns_visible_to(request.user), pk=concern_id
    )
    services.safety_concern_acknowledge(actor=request.user, concern=concern)
    messages.success(request, "Marked as handled.")
    return redirect("supporter_care" if request.POST.get("back") == "care" else "home")
