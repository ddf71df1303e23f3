from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from alongside.pagination import CappedPaginator
from confidentiality import policy
from confidentiality.models import AuditAction
from confidentiality.selectors import audit_log_for, my_record


@login_required
def my_record_view(request):
    return render(request, "confidentiality/my_record.html", my_record(request.user))


@login_required
def audit_log(request):
    policy.require(policy.may_view_audit_log(request.user))
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    page = CappedPaginator(audit_log_for(request.user, action=action), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "confidentiality/audit_log.html",
        {"page": page, "action": action, "actions": AuditAction.choices},
    )
