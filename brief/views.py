"""The brief to leadership: the page and its PDF for readers; the findings and assumptions for the director.

Readers are program staff and leadership (``policy.may_view_brief``); only the
director edits (``policy.may_edit_brief``). Everyone else gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy

from . import selectors, services
from .cost_model import Inputs, cost_model
from .forms import AssumptionsForm, EvidenceFindingForm, period_form
from .models import EvidenceFinding
from .pdf import brief_pdf as render_brief_pdf
from .period import whole_quarters

# --- Reading the brief ---------------------------------------------------------------------------


def _brief(request, *, for_leadership: bool = False):
    """The brief; for leadership (and as the PDF, leadership's document, for anyone) its
    period is snapped to whole complete quarters (docs/brief.md)."""
    policy.require(policy.may_view_brief(request.user))
    form = period_form(request.GET)
    period = asked = form.period()
    in_quarters = for_leadership or not policy.sees_full_detail(request.user)
    if in_quarters:
        period = whole_quarters(period, today=timezone.localdate())
    brief = selectors.brief_build(
        period=period,
        made_at=timezone.now(),
        in_quarters=in_quarters,
        survey_end=asked.end,
    )
    return brief, form


@login_required
@require_safe
def brief(request):
    built, form = _brief(request)
    return render(
        request,
        "brief/brief.html",
        {
            "brief": built,
            "period_form": form,
            "may_edit": policy.may_edit_brief(request.user),
        },
    )


@login_required
@require_safe
def brief_pdf(request):
    built, _ = _brief(request, for_leadership=True)
    pdf = render_brief_pdf(built)
    services.brief_download_record(actor=request.user, period=built.period)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"case-for-peer-support-{built.made_at:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The director edits the published findings ----------------------------------------------------


@login_required
@require_safe
def brief_evidence(request):
    policy.require(policy.may_edit_brief(request.user))
    findings = list(selectors.findings_for_edit())
    return render(
        request,
        "brief/evidence.html",
        {
            "findings": findings,
            "to_check": sum(1 for f in findings if f.is_active and f.needs_checking),
        },
    )


def _finding_page(request, finding: EvidenceFinding | None):
    form = EvidenceFindingForm(request.POST or None, instance=finding)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.finding_save(
                actor=request.user,
                finding=form.save(commit=False),
                checked=form.cleaned_data["checked"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Saved the finding from {saved}.")
            return redirect("brief_evidence")
    return render(
        request, "brief/finding_form.html", {"form": form, "finding": finding}
    )


@login_required
def brief_evidence_new(request):
    policy.require(policy.may_edit_brief(request.user))
    return _finding_page(request, None)


@login_required
def brief_evidence_edit(request, finding_id: int):
    policy.require(policy.may_edit_brief(request.user))
    return _finding_page(request, selectors.finding_for_edit(finding_id))


@login_required
@require_POST
def brief_evidence_move(request, finding_id: int):
    policy.require(policy.may_edit_brief(request.user))
    finding = selectors.finding_for_edit(finding_id)
    try:
        services.finding_move(
            actor=request.user,
            finding=finding,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("brief_evidence")


@login_required
@require_POST
def brief_evidence_retire(request, finding_id: int):
    policy.require(policy.may_edit_brief(request.user))
    finding = selectors.finding_for_edit(finding_id)
    services.finding_retire(actor=request.user, finding=finding)
    messages.success(
        request,
        f"The finding from {finding} is no longer in the brief. Edit it to show it again.",
    )
    return redirect("brief_evidence")


# --- The director edits the cost model's assumptions ----------------------------------------------


@login_required
def brief_assumptions(request):
    policy.require(policy.may_edit_brief(request.user))
    assumptions = selectors.assumptions_current()
    before = services.assumptions_values(assumptions)
    form = AssumptionsForm(request.POST or None, instance=assumptions)
    if request.method == "POST" and form.is_valid():
        try:
            services.assumptions_save(
                actor=request.user, assumptions=form.save(commit=False), before=before
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, "Saved the assumptions. The arithmetic below uses them."
            )
            return redirect(reverse("brief") + "#cost-model")
    if form.is_bound:  # not saved: show the arithmetic of what is saved
        assumptions = selectors.assumptions_current()
    return render(
        request,
        "brief/assumptions.html",
        {
            "form": form,
            "assumptions": assumptions,
            "cost": cost_model(Inputs.from_assumptions(assumptions)),
        },
    )


@login_required
@require_POST
def brief_assumptions_from_survey(request):
    policy.require(policy.may_edit_brief(request.user))
    assumptions = selectors.assumptions_current()
    try:
        services.burnout_from_survey(actor=request.user, assumptions=assumptions)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"Burnout is now {assumptions.burnout_prevalence} %, from "
            f"{assumptions.burnout_prevalence_source}.",
        )
    return redirect("brief_assumptions")
