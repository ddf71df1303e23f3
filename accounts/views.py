from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import RoleGrantForm
from accounts.models import Role
from accounts.selectors import role_assignments_for_page
from accounts.services import role_grant, role_revoke
from confidentiality import policy


@login_required
def roles(request):
    policy.require(policy.may_view_roles(request.user))
    grantable = policy.grantable_roles(request.user)
    form = (
        RoleGrantForm(request.POST or None, actor=request.user) if grantable else None
    )
    if request.method == "POST":
        policy.require(form is not None)
        if form.is_valid():
            try:
                assignment = role_grant(
                    actor=request.user,
                    staff_member=form.cleaned_data["person"],
                    role=Role(form.cleaned_data["role"]),
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"{assignment.staff_member} is now {assignment.get_role_display().lower()} "
                    f"from {assignment.starts_on:%-d %B %Y}.",
                )
                return redirect("roles")
    assignments = role_assignments_for_page(request.user)
    return render(
        request,
        "accounts/roles.html",
        {
            "form": form,
            "assignments": assignments,
            "grantable": grantable,
            "own_staff_member_id": request.user.staff_member_id,
        },
    )


@login_required
@require_POST
def role_revoke_view(request, assignment_id: int):
    assignment = policy.access_role_assignment(request.user, assignment_id)
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"{assignment.staff_member} no longer holds the role "
            f"{assignment.get_role_display().lower()}.",
        )
    return redirect("roles")
