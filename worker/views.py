from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from confidentiality import policy
from worker.selectors import background_work_summary, recent_failures


@login_required
def system_status(request):
    policy.require(policy.may_view_system_status(request.user))
    return render(
        request,
        "worker/system_status.html",
        {"work": background_work_summary(), "failures": recent_failures()},
    )
