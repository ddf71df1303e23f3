"""The resources page anyone may open, and the pages program staff keep it with."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from alongside.service_errors import form_errors_add
from confidentiality import policy
from resources import services
from resources.forms import ResourceForm, ResourceImportForm
from resources.hsds_read import HsdsFileError
from resources.models import Resource
from resources.selectors import resources_for_management, resources_for_page

PROBLEMS_SHOWN = 200


@require_safe
def resources_page(request):
    """Open to everyone, signed in or not, and deliberately unwitnessed.

    No access event, no audit event, no demand record, no message: someone
    looking for help must not have to tell anyone that they looked.
    """
    resources = list(resources_for_page())
    return render(
        request,
        "resources/resources.html",
        {
            "crisis": [r for r in resources if r.is_crisis],
            "others": [r for r in resources if not r.is_crisis],
            "may_manage": policy.may_manage_resources(request.user),
        },
    )


@login_required
def resources_manage(request):
    policy.require(policy.may_manage_resources(request.user))
    return render(
        request,
        "resources/manage.html",
        {"resources": resources_for_management()},
    )


def _resource_form_page(request, *, resource: Resource | None):
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.resource_save(actor=request.user, resource=form.instance)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("resources_manage")
    return render(
        request, "resources/resource_form.html", {"form": form, "resource": resource}
    )


@login_required
def resource_new(request):
    policy.require(policy.may_manage_resources(request.user))
    return _resource_form_page(request, resource=None)


@login_required
def resource_edit(request, resource_id: int):
    policy.require(policy.may_manage_resources(request.user))
    return _resource_form_page(
        request, resource=get_object_or_404(Resource, pk=resource_id)
    )


@login_required
@require_POST
def resource_retire(request, resource_id: int):
    policy.require(policy.may_manage_resources(request.user))
    resource = get_object_or_404(Resource, pk=resource_id)
    services.resource_retire(actor=request.user, resource=resource)
    messages.success(
        request,
        f"“{resource.name}” is no longer on the resources page. Edit it to list it again.",
    )
    return redirect("resources_manage")


@login_required
def resources_import(request):
    policy.require(policy.may_manage_resources(request.user))
    form = ResourceImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.resources_import(
                actor=request.user,
                file_name=form.cleaned_data["file"].name,
                content=form.content,
            )
        except HsdsFileError as refusal:
            problems = refusal.problems
        else:
            messages.success(
                request,
                f"Imported: {result.added} added, {result.updated} updated, "
                f"{result.unchanged} unchanged.",
            )
            return redirect("resources_manage")
    return render(
        request,
        "resources/import.html",
        {
            "form": form,
            "problems": problems[:PROBLEMS_SHOWN],
            "problems_not_shown": max(0, len(problems) - PROBLEMS_SHOWN),
            "problem_count": len(problems),
        },
    )


def _download(request, export_format: str) -> HttpResponse:
    policy.require(policy.may_manage_resources(request.user))
    export = services.resources_export(actor=request.user, export_format=export_format)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return response


@login_required
def resources_export_json(request):
    return _download(request, "json")


@login_required
def resources_export_csv(request):
    return _download(request, "csv")
