"""Downloads of the publicity page's tables: CSV and XLSX, each witnessed."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from confidentiality import policy
from publicity import exports
from publicity.forms import PublicityFilterForm
from publicity.period import period_from


def _download(export: exports.Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return response


def _activities(request, export_format: str) -> HttpResponse:
    policy.require(policy.may_manage_publicity(request.user))
    months, channel = PublicityFilterForm(request.GET or None).values()
    return _download(
        exports.activities_export(
            actor=request.user,
            period=period_from(months, today=timezone.localdate()),
            channel=channel or None,
            export_format=export_format,
        )
    )


def _channels(request, export_format: str) -> HttpResponse:
    policy.require(policy.may_manage_publicity(request.user))
    months, _ = PublicityFilterForm(request.GET or None).values()
    return _download(
        exports.channels_export(
            actor=request.user,
            period=period_from(months, today=timezone.localdate()),
            export_format=export_format,
        )
    )


@login_required
@require_safe
def activities_csv(request):
    return _activities(request, "csv")


@login_required
@require_safe
def activities_xlsx(request):
    return _activities(request, "xlsx")


@login_required
@require_safe
def channels_csv(request):
    return _channels(request, "csv")


@login_required
@require_safe
def channels_xlsx(request):
    return _channels(request, "xlsx")
