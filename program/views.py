from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from confidentiality import policy
from program.forms import ProgramSettingsForm
from program.selectors import program_settings
from program.services import program_settings_update


@login_required
def program_settings_view(request):
    """The director changes the settings; the administrator reads them."""
    policy.require(policy.may_view_program_settings(request.user))
    may_change = policy.may_change_program(request.user)
    policy.require(request.method != "POST" or may_change)
    settings_row = program_settings()
    form = ProgramSettingsForm(
        request.POST if may_change and request.method == "POST" else None,
        instance=settings_row,
    )
    if form.is_bound and form.is_valid():
        program_settings_update(actor=request.user, program_settings=form.instance)
        messages.success(request, "Saved the program settings.")
        return redirect("program_settings")
    return render(
        request,
        "program/settings.html",
        {"form": form, "settings": settings_row, "may_change": may_change},
    )
