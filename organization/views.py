from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from confidentiality import policy
from organization.forms import (
    DepartmentForm,
    ProfessionForm,
    RosterSearchForm,
    SiteForm,
)
from organization.models import Department, Profession, Site
from organization.selectors import organization_structure, roster_search
from organization.services import organization_unit_save

UNIT_KINDS = {
    "site": (Site, SiteForm, "site"),
    "department": (Department, DepartmentForm, "department"),
    "profession": (Profession, ProfessionForm, "profession"),
}


@login_required
def roster(request):
    policy.require(policy.may_manage_roster(request.user))
    form = RosterSearchForm(request.GET or None)
    query, inactive = "", False
    if form.is_valid():
        query, inactive = form.cleaned_data["q"], form.cleaned_data["inactive"]
    people = roster_search(request.user, query=query, include_inactive=inactive)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organization/roster.html",
        {"form": form, "page": page, "query": query},
    )


@login_required
def staff_member_detail(request, staff_member_id: int):
    policy.require(policy.may_manage_roster(request.user))
    staff_member = policy.access_staff_member(
        request.user, staff_member_id, purpose="Opened the roster entry"
    )
    return render(
        request, "organization/staff_member.html", {"staff_member": staff_member}
    )


@login_required
def organization_settings(request):
    policy.require(policy.may_configure_organization(request.user))
    forms = {
        kind: form_class(prefix=kind) for kind, (_, form_class, _) in UNIT_KINDS.items()
    }
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in UNIT_KINDS:
            raise Http404
        _, form_class, label = UNIT_KINDS[kind]
        forms[kind] = form_class(request.POST, prefix=kind)
        if forms[kind].is_valid():
            unit = organization_unit_save(actor=request.user, unit=forms[kind].instance)
            messages.success(request, f"Added the {label} {unit}.")
            return redirect("organization_settings")
    return render(
        request,
        "organization/organization.html",
        {"structure": organization_structure(), "forms": forms},
    )


@login_required
def organization_unit_edit(request, kind: str, pk: int):
    policy.require(policy.may_configure_organization(request.user))
    if kind not in UNIT_KINDS:
        raise Http404
    model, form_class, label = UNIT_KINDS[kind]
    unit = get_object_or_404(model, pk=pk)
    name = str(unit)
    form = form_class(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        organization_unit_save(actor=request.user, unit=form.instance)
        messages.success(request, f"Saved the {label} {unit}.")
        return redirect("organization_settings")
    return render(
        request,
        "organization/unit_edit.html",
        {"form": form, "label": label, "name": name},
    )
