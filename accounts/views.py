from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
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
                    committed_percent=form.cleaned_data.get("committed_percent"),
                )
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                _report_grant(
                    request,
                    assignment,
                    cap_exceeded=(
                        form.director_time_cap_percent if form.above_the_cap else None
                    ),
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
            "today": timezone.localdate(),
        },
    )


def _report_grant(request, assignment, *, cap_exceeded: int | None) -> None:
    role = assignment.get_role_display().lower()
    person = assignment.staff_member
    if assignment.needs_acknowledgement:
        messages.success(
            request,
            f"{person} is appointed {role} from {assignment.starts_on:%-d %B %Y}, "
            f"committing {assignment.committed_percent} % of their time. The role "
            "starts counting once they acknowledge it: they will see the appointment "
            "on their home page.",
        )
    else:
        messages.success(
            request,
            f"{person} is now {role} from {assignment.starts_on:%-d %B %Y}.",
        )
    if cap_exceeded is not None:
        messages.warning(
            request,
            f"{assignment.committed_percent} % is above the program's cap of "
            f"{cap_exceeded} % for the director's time. It is recorded as given, and "
            "the appointee is shown the same warning before they acknowledge it.",
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
