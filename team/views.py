from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.services import role_acknowledge
from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy
from program.selectors import program_settings
from team.forms import HoursEntryForm
from team.selectors import (
    TEAM_ROLES,
    director_hours_by_month,
    hours_a_month,
    hours_a_week,
    month_of,
    parse_month,
    program_hours_for_month,
    team_for_page,
)
from team.services import hours_log, hours_remove

RECENT_ENTRIES = 20
# A large program has thousands of supporters; the page lists them a page at a time.
SUPPORTERS_A_PAGE = 50


@login_required
def team(request):
    policy.require(policy.may_view_team(request.user))
    may_appoint = bool(policy.grantable_roles(request.user).intersection(TEAM_ROLES))
    team = team_for_page(request.user)
    return render(
        request,
        "team/team.html",
        {
            "team": team,
            "supporters": Paginator(team.supporters, SUPPORTERS_A_PAGE).get_page(
                request.GET.get("page")
            ),
            "may_appoint": may_appoint,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_acknowledge(request, assignment_id: int):
    assignment = policy.access_own_appointment(request.user, assignment_id)
    if request.method == "POST":
        try:
            role_acknowledge(user=request.user, assignment=assignment)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
            return redirect("appointment_acknowledge", assignment_id=assignment.pk)
        messages.success(
            request,
            f"Thank you. You are {assignment.get_role_display().lower()} from "
            f"{assignment.starts_on:%-d %B %Y}.",
        )
        return redirect("home")
    settings = program_settings()
    percent = assignment.committed_percent
    today = timezone.localdate()
    ended = assignment.revoked_at is not None or (
        assignment.ends_on is not None and assignment.ends_on < today
    )
    return render(
        request,
        "team/appointment.html",
        {
            "assignment": assignment,
            "is_director": assignment.role == Role.PROGRAM_DIRECTOR,
            "hours_a_week": hours_a_week(
                percent=percent,
                full_time_hours_per_week=settings.full_time_hours_per_week,
            )
            if percent
            else None,
            "hours_a_month": hours_a_month(
                percent=percent,
                full_time_hours_per_week=settings.full_time_hours_per_week,
            )
            if percent
            else None,
            "above_the_cap": bool(
                percent and percent > settings.director_time_cap_percent
            ),
            "settings": settings,
            "ended": ended,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_hours(request):
    policy.require(policy.may_view_program_hours(request.user))
    may_log = policy.may_log_hours(request.user)
    form = HoursEntryForm(request.POST or None) if may_log else None
    if request.method == "POST":
        policy.require(form is not None)
        if form.is_valid():
            try:
                entry = hours_log(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors_add(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Logged {entry.hours:g} hours on {entry.worked_on:%-d %B %Y}.",
                )
                return redirect(_hours_url(entry.worked_on))
    month = parse_month(request.GET.get("month"))
    own_entries = (
        policy.hours_entries_visible_to(request.user)
        .filter(staff_member_id=request.user.staff_member_id)
        .order_by("-worked_on", "-created_at", "-id")[:RECENT_ENTRIES]
    )
    return render(
        request,
        "team/hours.html",
        {
            "form": form,
            "overview": program_hours_for_month(request.user, month),
            "director_year": director_hours_by_month(request.user, month),
            "own_entries": own_entries,
        },
    )


@login_required
@require_POST
def hours_remove_view(request, entry_id: int):
    entry = policy.access_own_hours_entry(request.user, entry_id)
    worked_on, hours = entry.worked_on, entry.hours
    try:
        hours_remove(actor=request.user, entry=entry)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Removed {hours:g} hours on {worked_on:%-d %B %Y}.")
    return redirect(_hours_url(worked_on))


def _hours_url(day) -> str:
    return f"{reverse('program_hours')}?month={month_of(day):%Y-%m}"
