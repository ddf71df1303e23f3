"""The program dashboard and its exports: program staff and leadership; everyone else 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from confidentiality import policy
from confidentiality.services import export_event_record
from outreach.models import OutreachOffer
from reports.dashboard import Choices, program_dashboard
from reports.exports import FORMATS, as_csv, as_xlsx, table_rows


def _dashboard(request):
    policy.require(policy.may_view_program_dashboard(request.user))
    return program_dashboard(request.user, Choices.from_query(request.GET))


@login_required
@require_safe
def program_dashboard_view(request):
    return render(request, "reports/dashboard.html", {"dashboard": _dashboard(request)})


@login_required
@require_safe
def program_dashboard_export(request, table: str, format: str):
    """One table of the page as the reader sees it, witnessed by an access event."""
    dashboard = _dashboard(request)
    if format not in FORMATS or table not in dashboard.tables:
        raise Http404
    chosen = dashboard.tables[table]
    rows = table_rows(chosen, full=dashboard.full, period=dashboard.period.label)
    content = as_csv(rows) if format == "csv" else as_xlsx(rows, title=chosen.key)
    export_event_record(
        actor=request.user,
        model=OutreachOffer,
        purpose=f"Exported the program dashboard table “{chosen.caption}” "
        f"({format.upper()}, {dashboard.period.label})",
        row_count=len(rows) - 3,
    )
    response = HttpResponse(content, content_type=FORMATS[format])
    filename = f"{chosen.key}-{timezone.localdate():%Y-%m-%d}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
