"""The publicity page, and planning, logging, editing and cancelling activities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy
from program.selectors import program_settings
from publicity import selectors, services
from publicity.charts import bar_chart
from publicity.effectiveness import channel_table
from publicity.forms import ActivityForm, MarkDoneForm, PublicityFilterForm
from publicity.models import ActivityStatus, Channel, OutreachActivity
from publicity.onboarding import onboarding_summary
from publicity.period import period_from
from publicity.reminders import channel_standings

PAST_PER_PAGE = 25


@login_required
@require_safe
def publicity_page(request):
    policy.require(policy.may_manage_publicity(request.user))
    today = timezone.localdate()
    filters = PublicityFilterForm(request.GET or None)
    months, channel = filters.values()
    period = period_from(months, today=today)
    reminder_days = program_settings().channel_reminder_days
    activities = policy.outreach_activities_visible_to(request.user)
    table = channel_table(activities, period)
    standings = channel_standings(activities, today=today, reminder_days=reminder_days)
    past = Paginator(
        selectors.past_activities(request.user, period=period, channel=channel or None),
        PAST_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "publicity/publicity.html",
        {
            "filters": filters,
            "period": period,
            "channel": channel,
            "query": f"months={period.months}"
            + (f"&channel={channel}" if channel else ""),
            "table": table,
            "audience_chart": bar_chart(
                [(row.label, row.audience) for row in table.channels],
                measure="people reached",
            ),
            "requests_chart": bar_chart(
                [
                    (row.label, None if row.requests.suppressed else row.requests.value)
                    for row in table.rows
                ],
                measure="requests",
            ),
            "due": [standing for standing in standings if standing.due],
            "standings": standings,
            "reminder_days": reminder_days,
            "to_log": selectors.activities_to_log(request.user, today=today),
            "upcoming": selectors.upcoming_activities(
                request.user, today=today, channel=channel or None
            ),
            "page": past,
            "onboarding": onboarding_summary(request.user, today=today),
        },
    )


def _activity_form_page(request, *, activity: OutreachActivity | None):
    initial = {}
    if activity is None and request.GET.get("channel") in Channel.values:
        initial["channel"] = request.GET["channel"]
    form = ActivityForm(request.POST or None, instance=activity, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                saved = services.activity_plan(
                    actor=request.user, activity=form.instance
                )
            else:
                saved = services.activity_update(
                    actor=request.user, activity=form.instance
                )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            verb = "Logged" if saved.status == ActivityStatus.DONE else "Saved"
            messages.success(request, f"{verb} “{saved.title}”.")
            return redirect("publicity")
    return render(
        request,
        "publicity/activity_form.html",
        {"form": form, "activity": activity},
    )


@login_required
def activity_new(request):
    policy.require(policy.may_manage_publicity(request.user))
    return _activity_form_page(request, activity=None)


@login_required
def activity_edit(request, activity_id: int):
    policy.require(policy.may_manage_publicity(request.user))
    activity = policy.access_outreach_activity(request.user, activity_id)
    if activity.status == ActivityStatus.CANCELLED:
        messages.error(request, "A cancelled activity cannot be changed.")
        return redirect("publicity")
    return _activity_form_page(request, activity=activity)


@login_required
def activity_done(request, activity_id: int):
    policy.require(policy.may_manage_publicity(request.user))
    activity = policy.access_outreach_activity(request.user, activity_id)
    if activity.status != ActivityStatus.PLANNED:
        messages.error(
            request, f"“{activity.title}” is {activity.get_status_display().lower()}."
        )
        return redirect("publicity")
    form = MarkDoneForm(request.POST or None, initial={"held_on": activity.held_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_mark_done(
                actor=request.user,
                activity=activity,
                audience_size=form.cleaned_data["audience_size"],
                held_on=form.cleaned_data["held_on"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                f"“{activity.title}” is logged as held, with an audience of "
                f"{form.cleaned_data['audience_size']}.",
            )
            return redirect("publicity")
    return render(
        request, "publicity/activity_done.html", {"form": form, "activity": activity}
    )


@login_required
@require_POST
def activity_cancel(request, activity_id: int):
    policy.require(policy.may_manage_publicity(request.user))
    activity = policy.access_outreach_activity(request.user, activity_id)
    try:
        services.activity_cancel(actor=request.user, activity=activity)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Cancelled “{activity.title}”.")
    return redirect("publicity")
