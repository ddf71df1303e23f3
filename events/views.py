from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy
from events import services
from events.forms import (
    AdverseEventForm,
    LitigationNoticeForm,
    StaffSearchForm,
    TriggerTypeForm,
)
from events.models import TriggerType
from events.selectors import events_for_page, staff_search_for_events


@login_required
def event_list(request):
    policy.require(
        policy.may_record_events(request.user) or policy.may_run_outreach(request.user)
    )
    page = Paginator(events_for_page(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "events/event_list.html",
        {"page": page, "may_record": policy.may_record_events(request.user)},
    )


@login_required
def event_new(request):
    policy.require(policy.may_record_events(request.user))
    form = AdverseEventForm(request.POST or None)
    search = StaffSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        found = list(staff_search_for_events(request.user, search.cleaned_data["q"]))
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.event_record_manual(
                actor=request.user,
                occurred_on=form.cleaned_data["occurred_on"],
                trigger_type=form.cleaned_data["trigger_type"],
                harm_level=form.cleaned_data["harm_level"],
                unit=form.cleaned_data["unit"],
                site=form.cleaned_data["site"],
                involved=form.cleaned_data["involved"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                "Recorded. Support is offered to the people involved; you will not "
                "see what follows, by design.",
            )
            return redirect("event_detail", recorded.event.pk)
    return render(
        request,
        "events/event_new.html",
        {"form": form, "search": search, "found": found},
    )


@login_required
def event_detail(request, event_id: int):
    event = policy.access_event(request.user, event_id)
    involved = event.involvements.select_related(
        "staff_member__profession", "staff_member__department"
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "involved": involved,
            "litigation_form": LitigationNoticeForm()
            if policy.may_record_events(request.user)
            and not event.litigation_noticed_on
            else None,
        },
    )


@login_required
@require_POST
def event_litigation(request, event_id: int):
    event = policy.access_event(request.user, event_id)
    form = LitigationNoticeForm(request.POST)
    if form.is_valid():
        try:
            services.event_litigation_notice(
                actor=request.user,
                event=event,
                noticed_on=form.cleaned_data["noticed_on"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, "Recorded. Support is offered again to those involved."
            )
    else:
        messages.error(request, "Give the day the notice arrived.")
    return redirect("event_detail", event.pk)


@login_required
def trigger_catalogue(request):
    policy.require(policy.may_run_outreach(request.user))
    return render(
        request,
        "events/triggers.html",
        {
            "triggers": TriggerType.objects.all(),
            "may_edit": policy.may_configure_triggers(request.user),
        },
    )


@login_required
def trigger_edit(request, trigger_id: int):
    policy.require(policy.may_configure_triggers(request.user))
    trigger = get_object_or_404(TriggerType, pk=trigger_id)
    form = TriggerTypeForm(request.POST or None, instance=trigger)
    if request.method == "POST" and form.is_valid():
        services.trigger_type_save(actor=request.user, trigger_type=form.instance)
        messages.success(request, f"Saved “{trigger}”.")
        return redirect("trigger_catalogue")
    return render(
        request, "events/trigger_edit.html", {"form": form, "trigger": trigger}
    )
