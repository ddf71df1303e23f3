from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.formats import date_format

from confidentiality import policy
from outreach.forms import ReferralPreferencesForm
from outreach.referral_services import self_refer
from program.selectors import program_settings
from scope import services
from scope.eligibility import staff_member_is_eligible
from scope.forms import ScopeScheduleForm, ScopeVersionForm
from scope.selectors import scope_overview

# --- Asking for support ------------------------------------------------------------------


@login_required
def support_ask(request):
    """Ask for support. Nobody is turned away empty-handed.

    Someone the program serves gives a few optional preferences and is
    offered a peer supporter; someone it does not serve yet presses one
    button and is shown other help. Both are counted (never who).
    """
    policy.require(policy.may_ask_for_support(request.user))
    person = request.user.staff_member
    if not staff_member_is_eligible(person):
        if request.method == "POST":
            services.demand_record(staff_member=person)
            return redirect("support_other_help")
        return render(request, "scope/support_ask.html")
    form = ReferralPreferencesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        self_refer(person=person, preferences=form.preferences(), actor=request.user)
        return redirect("support_contact")
    return render(request, "scope/support_ask_form.html", {"form": form})


@login_required
def support_contact(request):
    """After asking: a supporter will reach out; and how to reach the program directly."""
    policy.require(policy.may_ask_for_support(request.user))
    return render(
        request, "scope/support_contact.html", {"settings": program_settings()}
    )


@login_required
def support_other_help(request):
    """For someone the program does not serve yet: other help, kindly put."""
    policy.require(policy.may_ask_for_support(request.user))
    return render(
        request, "scope/support_other_help.html", {"settings": program_settings()}
    )


# --- The scope page ----------------------------------------------------------------------


@login_required
def scope_page(request):
    policy.require(policy.may_view_scope(request.user))
    overview = scope_overview(request.user)
    return render(
        request,
        "scope/scope.html",
        {
            "overview": overview,
            "may_change": policy.may_change_program(request.user),
        },
    )


def _scope_form_page(request, *, form, version=None):
    return render(
        request,
        "scope/scope_version_form.html",
        {"form": form, "version": version},
    )


def _choices(form: ScopeVersionForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "professions": data["professions"],
        "all_sites": data["all_sites"],
        "sites": data["sites"],
        "all_departments": data["all_departments"],
        "departments": data["departments"],
    }


@login_required
def scope_version_new(request):
    policy.require(policy.may_change_program(request.user))
    form = ScopeVersionForm(
        request.POST or None, initial={"all_sites": True, "all_departments": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.scope_version_propose(
                actor=request.user, **_choices(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Proposed “{version.name}”. It changes nothing until you schedule it.",
            )
            return redirect("scope")
    return _scope_form_page(request, form=form)


@login_required
def scope_version_edit(request, version_id: int):
    policy.require(policy.may_change_program(request.user))
    version = policy.access_scope_version(request.user, version_id)
    if not version.is_open_to_change():
        messages.error(
            request,
            f"“{version.name}” cannot change any more. Propose a new version instead.",
        )
        return redirect("scope")
    form = ScopeVersionForm(
        request.POST or None, initial=ScopeVersionForm.initial_for(version)
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.scope_version_update(
                actor=request.user, version=version, **_choices(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{version.name}”.")
            return redirect("scope")
    return _scope_form_page(request, form=form, version=version)


@login_required
def scope_version_schedule(request, version_id: int):
    policy.require(policy.may_change_program(request.user))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = policy.access_scope_version(request.user, version_id)
    form = ScopeScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["effective_from"][0])
        return redirect("scope")
    try:
        version = services.scope_version_schedule(
            actor=request.user,
            version=version,
            effective_from=form.cleaned_data["effective_from"],
        )
    except ValidationError as error:
        messages.error(
            request, f"“{version.name}” was not scheduled. {error.messages[0]}"
        )
    else:
        messages.success(
            request,
            f"“{version.name}” takes effect on {date_format(version.effective_from)}.",
        )
    return redirect("scope")


@login_required
def scope_version_withdraw(request, version_id: int):
    policy.require(policy.may_change_program(request.user))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = policy.access_scope_version(request.user, version_id)
    try:
        services.scope_version_withdraw(actor=request.user, version=version)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Withdrew “{version.name}”.")
    return redirect("scope")
