"""Roster imports: the upload page, an import's page, and its progress fragment."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from confidentiality import policy
from organization.forms import RosterImportForm
from organization.roster_files import (
    ROSTER_COLUMNS,
    ROSTER_FILE_MAX_BYTES,
    RosterFileError,
)
from organization.roster_import import roster_import_create
from organization.selectors import roster_import_report, roster_imports_recent

PROGRESS_FRAGMENT = "organization/includes/roster_import_status.html"


@login_required
def roster_import_new(request):
    policy.require(policy.may_manage_roster(request.user))
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster_import = roster_import_create(
                actor=request.user,
                file_name=form.cleaned_data["file"].name,
                content=form.content,
                mode=form.cleaned_data["mode"],
            )
        except RosterFileError as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("roster_import_detail", roster_import.pk)
    return render(
        request,
        "organization/roster_import_new.html",
        {
            "form": form,
            "columns": ROSTER_COLUMNS,
            "max_megabytes": ROSTER_FILE_MAX_BYTES // 2**20,
            "recent_imports": roster_imports_recent(request.user),
        },
    )


@login_required
def roster_import_detail(request, import_id: int):
    roster_import = policy.access_roster_import(
        request.user, import_id, purpose="Opened a roster import and its report"
    )
    return render(
        request, "organization/roster_import_detail.html", _context(roster_import)
    )


@login_required
def roster_import_progress(request, import_id: int):
    """The status fragment htmx polls; without htmx, the whole page."""
    roster_import = policy.access_roster_import(request.user, import_id, purpose=None)
    if request.headers.get("HX-Request"):
        template = PROGRESS_FRAGMENT
    else:
        template = "organization/roster_import_detail.html"
    response = render(request, template, _context(roster_import))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _context(roster_import) -> dict:
    report = roster_import_report(roster_import) if roster_import.is_finished else None
    return {"roster_import": roster_import, "report": report}
