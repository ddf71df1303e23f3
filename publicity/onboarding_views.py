"""The onboarding list: new starters in scope, and recording that they were told."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from alongside.service_errors import error_text
from confidentiality import policy
from program.selectors import program_settings
from publicity import onboarding
from publicity.forms import OnboardingToldForm

PER_PAGE = 50


@login_required
@require_safe
def onboarding_list(request):
    today = timezone.localdate()
    window, people = onboarding.onboarding_list_open(request.user, today=today)
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    untold = [person.pk for person in page if not person.told]
    form = OnboardingToldForm(people=people.filter(pk__in=untold))
    return render(
        request,
        "publicity/onboarding.html",
        {
            "window": window,
            "page": page,
            "form": form,
            "untold_on_page": untold,
            "summary": onboarding.onboarding_summary(request.user, today=today),
        },
    )


@login_required
@require_POST
def onboarding_record(request):
    policy.require(policy.may_manage_publicity(request.user))
    today = timezone.localdate()
    form = OnboardingToldForm(
        request.POST,
        people=policy.onboarding_list_visible_to(
            request.user,
            today=today,
            window_days=program_settings().onboarding_window_days,
        ),
    )
    if not form.is_valid():
        messages.error(
            request,
            " ".join(error for errors in form.errors.values() for error in errors),
        )
        return redirect("publicity_onboarding")
    try:
        recorded = onboarding.onboarding_told_record(
            actor=request.user,
            staff_member_ids=[person.pk for person in form.cleaned_data["people"]],
            how=form.cleaned_data["how"],
            told_on=form.cleaned_data["told_on"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"Recorded: {recorded} {'person' if recorded == 1 else 'people'} told "
            "of the program.",
        )
    return redirect("publicity_onboarding")


@login_required
@require_POST
def onboarding_remove(request, contact_id: int):
    policy.require(policy.may_manage_publicity(request.user))
    contact = policy.access_onboarding_contact(request.user, contact_id)
    onboarding.onboarding_told_remove(actor=request.user, contact=contact)
    messages.success(
        request, f"{contact.staff_member.full_name} shows as not yet told again."
    )
    return redirect("publicity_onboarding")
