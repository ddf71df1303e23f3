"""Feedback pages: the attendee's short form, and the director's totals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from alongside.service_errors import form_errors_add
from confidentiality import policy
from confidentiality.suppression import current_k, current_k_comments
from training.feedback import (
    FEEDBACK_WINDOW,
    feedback_closes_at,
    feedback_refusal,
    feedback_summary,
    session_feedback_give,
)
from training.feedback_forms import SessionFeedbackForm


@login_required
@require_http_methods(["GET", "POST"])
def session_feedback(request, session_id: int):
    session = policy.access_session_for_feedback(request.user, session_id)
    refusal = feedback_refusal(user=request.user, session=session)
    if refusal is not None:
        # Only someone who attended gets here: their own attendance is not a secret.
        messages.info(request, refusal)
        return _back(request.user)
    form = SessionFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_feedback_give(
                user=request.user, session=session, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                "Thank you. Your answers were saved without your name; they will "
                "only ever be counted together with other people's.",
            )
            return _back(request.user)
    return render(
        request,
        "training/feedback_form.html",
        {
            "form": form,
            "session": session,
            "closes_at": feedback_closes_at(session),
            "k": current_k(),
            "k_comments": current_k_comments(),
        },
    )


@login_required
@require_GET
def feedback_summary_view(request):
    policy.require(policy.may_view_feedback(request.user))
    return render(
        request,
        "training/feedback_summary.html",
        {
            "summary": feedback_summary(request.user),
            "window_days": FEEDBACK_WINDOW.days,
        },
    )


def _back(user):
    """Supporters return to their training page (which lists feedback due); others home."""
    if policy.has_role(user, Role.PEER_SUPPORTER):
        return redirect("my_training")
    return redirect("home")
