"""The survey results: a page, a CSV and a PDF of suppressed aggregates, for staff and leadership.

Everything shown comes from surveys.dashboard, which passes every figure
through confidentiality.suppression. Exports write an access event.
"""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from alongside.spreadsheets import spreadsheet_safe
from confidentiality import policy
from confidentiality.models import AccessKind
from confidentiality.services import access_event_record
from surveys.dashboard import export_rows, survey_dashboard
from surveys.dashboard.figures import DEFAULT_DIMENSION, DIMENSIONS, Dashboard
from surveys.dashboard.waves import SUMMARIZE_TASK, summaries_updating, summarize_key
from surveys.models import WaveStatus
from worker.services import task_schedule


def _choices(request) -> dict:
    """The heat map's dimension and wave from the query string (ignored when not valid)."""
    dimension = request.GET.get("dimension", DEFAULT_DIMENSION)
    if dimension not in DIMENSIONS:
        dimension = DEFAULT_DIMENSION
    wave = request.GET.get("wave", "")
    return {"dimension": dimension, "wave_id": int(wave) if wave.isdigit() else None}


def _query(dashboard: Dashboard) -> str:
    """The query string that shows this dashboard's heat map again."""
    params = {"dimension": dashboard.dimension}
    if dashboard.heat_map is not None:
        params["wave"] = dashboard.heat_map.wave.id
    return urlencode(params)


def _dashboard(request, slug: str) -> Dashboard:
    policy.require(policy.may_view_survey_results(request.user))
    survey = policy.access_survey(request.user, slug)
    return survey_dashboard(survey, **_choices(request))


@login_required
@require_safe
def survey_results(request, slug: str):
    dashboard = _dashboard(request, slug)
    return render(
        request,
        "surveys/results.html",
        {
            "dashboard": dashboard,
            "survey": dashboard.survey,
            "query": _query(dashboard),
            "updating": summaries_updating(dashboard.wave_ids),
            "may_manage": policy.may_manage_surveys(request.user),
        },
    )


@login_required
@require_safe
def survey_results_status(request, slug: str):
    """Polled while figures are being computed: nothing new (204) until they are ready."""
    policy.require(policy.may_view_survey_results(request.user))
    survey = policy.access_survey(request.user, slug)
    wave_ids = survey.waves.filter(status=WaveStatus.CLOSED).values_list(
        "pk", flat=True
    )
    if summaries_updating(list(wave_ids)):
        return HttpResponse(status=204)
    choices = _choices(request)
    params = {"dimension": choices["dimension"]}
    if choices["wave_id"]:
        params["wave"] = choices["wave_id"]
    return render(
        request,
        "surveys/results/updating.html",
        {
            "survey": survey,
            "updating": False,
            "finished": True,
            "results_url": f"{reverse('survey_results', args=[survey.slug])}?"
            f"{urlencode(params)}",
        },
    )


@login_required
@require_POST
def wave_summarize_now(request, wave_id: int):
    """Program staff ask for a closed wave's figures to be computed again."""
    policy.require(policy.may_manage_surveys(request.user))
    wave = policy.access_wave(request.user, wave_id)
    if wave.status != WaveStatus.CLOSED:
        messages.error(
            request,
            "Figures are computed once a wave has closed: figures that changed with "
            "every answer would give the latest answers away.",
        )
    else:
        task_schedule(
            kind=SUMMARIZE_TASK,
            payload={"wave_id": wave.pk},
            dedupe_key=summarize_key(wave.pk),
        )
        messages.success(
            request,
            f"Computing the figures for “{wave.label}” again. This page says when "
            "they are ready.",
        )
    return redirect("survey_results", slug=wave.survey.slug)


# --- Exports ----------------------------------------------------------------------------------


@login_required
@require_safe
def survey_results_csv(request, slug: str):
    dashboard = _dashboard(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{dashboard.survey.slug}-results-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in export_rows(dashboard):
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
    access_event_record(
        actor=request.user,
        obj=dashboard.survey,
        purpose="Exported survey results (CSV)",
        kind=AccessKind.EXPORT,
    )
    return response


@login_required
@require_safe
def survey_results_xlsx(request, slug: str):
    """The same rows as the CSV, as an Excel workbook (openpyxl)."""
    from openpyxl import Workbook

    dashboard = _dashboard(request, slug)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Results")
    for row in export_rows(dashboard):
        sheet.append([spreadsheet_safe(str(value)) for value in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{dashboard.survey.slug}-results-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    access_event_record(
        actor=request.user,
        obj=dashboard.survey,
        purpose="Exported survey results (XLSX)",
        kind=AccessKind.EXPORT,
    )
    return response


def results_pdf(dashboard: Dashboard) -> bytes:
    """The summary on A4: title, period, each wave's n, trend, drivers, the small-numbers note.

    WeasyPrint is imported here, not when Django starts (see guide/card.py).
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "surveys/results_pdf.html",
        {
            "dashboard": dashboard,
            "survey": dashboard.survey,
            "printed_on": timezone.now(),
        },
    )
    # Everything the summary needs is in the page: fetch no URL at all.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


@login_required
@require_safe
def survey_results_pdf(request, slug: str):
    dashboard = _dashboard(request, slug)
    pdf = results_pdf(dashboard)
    access_event_record(
        actor=request.user,
        obj=dashboard.survey,
        purpose="Exported survey results (PDF)",
        kind=AccessKind.EXPORT,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{dashboard.survey.slug}-results.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
