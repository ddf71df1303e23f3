from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alongside.service_errors import form_errors_add
from confidentiality import policy
from scope.eligibility import staff_member_is_eligible
from selection import selectors, services
from selection.forms import (
    ApplicationForm,
    CandidateMoveForm,
    NominationForm,
    NominationRoundForm,
    NomineeSearchForm,
)
from selection.models import CandidateStage

# --- Program staff: rounds, the pipeline, coverage --------------------------------------------


@login_required
def selection_overview(request):
    policy.require(policy.may_run_selection(request.user))
    return render(
        request,
        "selection/overview.html",
        {
            "rounds": selectors.nomination_rounds_with_funnels(request.user),
            "may_open": policy.may_change_program(request.user),
        },
    )


@login_required
def nomination_round_new(request):
    policy.require(policy.may_change_program(request.user))
    form = NominationRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nomination_round = services.nomination_round_open(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"The round “{nomination_round}” is set up.")
            return redirect("nomination_round_detail", nomination_round.pk)
    return render(request, "selection/round_new.html", {"form": form})


@login_required
def nomination_round_detail(request, round_id: int):
    policy.require(policy.may_run_selection(request.user))
    nomination_round = get_object_or_404(
        policy.nomination_rounds_visible_to(request.user), pk=round_id
    )
    stage = request.GET.get("stage", "")
    if stage not in CandidateStage.values:
        stage = ""
    candidates = selectors.round_candidates(request.user, nomination_round, stage=stage)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "selection/round_detail.html",
        {
            "round": nomination_round,
            "funnel": selectors.round_funnel(request.user, nomination_round),
            "page": page,
            "stage": CandidateStage(stage) if stage else None,
            "may_close": policy.may_change_program(request.user)
            and nomination_round.status() != "closed",
        },
    )


@login_required
@require_POST
def nomination_round_close(request, round_id: int):
    policy.require(policy.may_change_program(request.user))
    nomination_round = get_object_or_404(
        policy.nomination_rounds_visible_to(request.user), pk=round_id
    )
    try:
        services.nomination_round_close(
            actor=request.user, nomination_round=nomination_round
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The round “{nomination_round}” is closed.")
    return redirect("nomination_round_detail", nomination_round.pk)


@login_required
def candidate_detail(request, candidate_id: int):
    policy.require(policy.may_run_selection(request.user))
    candidate = policy.access_candidate(
        request.user, candidate_id, purpose="Reviewed a peer supporter candidate"
    )
    may_decide = policy.may_decide_selection(request.user)
    form = CandidateMoveForm(
        request.POST or None, candidate=candidate, may_decide=may_decide
    )
    if request.method == "POST" and form.is_valid():
        try:
            step = services.candidate_move(
                actor=request.user,
                candidate=candidate,
                to_stage=form.cleaned_data["to_stage"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{candidate.staff_member}: {step.get_to_stage_display().lower()}.",
            )
            return redirect("candidate_detail", candidate.pk)
    return render(
        request,
        "selection/candidate_detail.html",
        {
            "file": selectors.candidate_file(candidate),
            "candidate": candidate,
            "form": form if form.fields["to_stage"].choices else None,
            "round_open": candidate.round.is_open(),
        },
    )


@login_required
def supporter_coverage(request):
    policy.require(policy.may_run_selection(request.user))
    return render(
        request,
        "selection/coverage.html",
        {"coverage": selectors.supporter_coverage()},
    )


# --- Everyone: nominating and applying ---------------------------------------------------------


@login_required
def nominate(request):
    policy.require(policy.may_ask_for_support(request.user))
    nomination_round = selectors.nomination_round_current(request.user)
    eligible = staff_member_is_eligible(request.user.staff_member)
    form = NomineeSearchForm(request.GET or None)
    results = []
    if nomination_round and eligible and form.is_valid():
        results = list(
            policy.nominees_findable_by(request.user, query=form.cleaned_data["q"])
        )
    made = (
        selectors.nominations_by(request.user, nomination_round)
        if nomination_round
        else []
    )
    return render(
        request,
        "selection/nominate.html",
        {
            "round": nomination_round,
            "next_round": None
            if nomination_round
            else selectors.nomination_round_next(request.user),
            "eligible": eligible,
            "form": form,
            "results": results,
            "searched": form.is_bound and form.is_valid() and form.cleaned_data["q"],
            "made": made,
            "remaining": services.MAX_NOMINATIONS_PER_ROUND - len(made),
            "nominated_ids": {n.candidate.staff_member_id for n in made},
            "candidacy": selectors.own_candidacy(request.user, nomination_round)
            if nomination_round
            else None,
        },
    )


@login_required
def nominate_person(request, staff_member_id: int):
    policy.require(policy.may_ask_for_support(request.user))
    nominee = policy.access_nominee(request.user, staff_member_id)
    nomination_round = selectors.nomination_round_current(request.user)
    if nomination_round is None:
        messages.error(request, "No nomination round is open at the moment.")
        return redirect("nominate")
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_make(
                nominator=request.user,
                nomination_round=nomination_round,
                nominee=nominee,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                f"Thank you. You nominated {nominee}. They will not be told who "
                "nominated them.",
            )
            return redirect("nominate")
    return render(
        request,
        "selection/nominate_person.html",
        {"nominee": nominee, "round": nomination_round, "form": form},
    )


@login_required
@require_POST
def nomination_withdraw(request, nomination_id: int):
    nomination = policy.access_own_nomination(request.user, nomination_id)
    try:
        services.nomination_withdraw(nominator=request.user, nomination=nomination)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"Your nomination of {nomination.candidate.staff_member} is withdrawn.",
        )
    return redirect("nominate")


@login_required
def supporter_apply(request):
    policy.require(policy.may_ask_for_support(request.user))
    nomination_round = selectors.nomination_round_current(request.user)
    candidacy = (
        selectors.own_candidacy(request.user, nomination_round)
        if nomination_round
        else None
    )
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and nomination_round and form.is_valid():
        try:
            services.supporter_apply(
                applicant=request.user,
                nomination_round=nomination_round,
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                "Thank you for applying. The program will be in touch by e-mail.",
            )
            return redirect("nominate")
    return render(
        request,
        "selection/apply.html",
        {
            "round": nomination_round,
            "form": form,
            "candidacy": candidacy,
            "eligible": staff_member_is_eligible(request.user.staff_member),
        },
    )


# --- The candidate's answer, from the e-mailed link ------------------------------------------


@never_cache
def invitation_answer(request, token: str):
    """No sign-in needed: the link is the key. GET shows the choice; POST answers."""
    candidate = services.candidate_for_invitation_token(token)
    if request.method == "POST" and candidate is not None:
        answer = request.POST.get("answer")
        if answer in {"accept", "decline"}:
            candidate = services.invitation_answer(
                token=token, accept=answer == "accept"
            )
            return render(
                request,
                "selection/invitation_answered.html",
                {"candidate": candidate, "accepted": answer == "accept"},
            )
    return render(
        request,
        "selection/invitation.html",
        {"candidate": candidate},
        status=200 if candidate else 404,
    )
