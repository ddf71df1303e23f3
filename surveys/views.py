"""Running surveys: program staff plan and open waves, load instruments and follow response rates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy
from surveys import selectors, services
from surveys.forms import InstrumentUploadForm, SurveyForm, WaveForm
from surveys.instruments import InstrumentError, instrument_from_json
from surveys.models import Instrument, WaveStatus
from surveys.redcap import instrument_from_redcap


@login_required
@require_safe
def survey_list(request):
    policy.require(policy.may_view_survey_results(request.user))
    surveys = list(selectors.surveys_for_page(request.user))
    for survey in surveys:
        for wave in survey.waves.all():
            wave.invited_count, wave.answered_total = selectors.wave_tracking(wave)
            wave.rate = selectors.response_rate(wave.invited_count, wave.answered_total)
    return render(
        request,
        "surveys/survey_list.html",
        {
            "surveys": surveys,
            "may_manage": policy.may_manage_surveys(request.user),
        },
    )


@login_required
def survey_new(request):
    policy.require(policy.may_manage_surveys(request.user))
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, f"Created “{survey.title}”. Now plan its first wave."
            )
            return redirect("wave_new", slug=survey.slug)
    return render(request, "surveys/survey_form.html", {"form": form})


def _wave_form_page(request, *, survey, wave=None):
    initial = None
    if wave is not None:
        initial = {
            "label": wave.label,
            "opens_on": wave.opens_on,
            "closes_on": wave.closes_on,
            "reminder_days": wave.reminder_days,
            "professions": wave.professions.all(),
            "departments": wave.departments.all(),
            "sites": wave.sites.all(),
        }
    form = WaveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.wave_plan(
                actor=request.user, survey=survey, wave=wave, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Saved the wave “{saved.label}”.")
            return redirect("survey_list")
    return render(
        request,
        "surveys/wave_form.html",
        {"form": form, "survey": survey, "wave": wave},
    )


@login_required
def wave_new(request, slug: str):
    policy.require(policy.may_manage_surveys(request.user))
    return _wave_form_page(request, survey=policy.access_survey(request.user, slug))


@login_required
def wave_edit(request, wave_id: int):
    policy.require(policy.may_manage_surveys(request.user))
    wave = policy.access_wave(request.user, wave_id)
    policy.require(wave.status == WaveStatus.DRAFT)
    return _wave_form_page(request, survey=wave.survey, wave=wave)


@login_required
@require_POST
def wave_open(request, wave_id: int):
    policy.require(policy.may_manage_surveys(request.user))
    wave = policy.access_wave(request.user, wave_id)
    try:
        services.wave_open(actor=request.user, wave=wave)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"“{wave.label}” is open. Invitations go out on {wave.opens_on:%d %b %Y}; "
            "the response rate below counts answers as they come.",
        )
    return redirect("survey_list")


@login_required
@require_POST
def wave_close(request, wave_id: int):
    policy.require(policy.may_manage_surveys(request.user))
    wave = policy.access_wave(request.user, wave_id)
    if services.wave_close(actor=request.user, wave_id=wave.pk) is None:
        messages.error(request, "Only an open wave can be closed.")
    else:
        messages.success(
            request, f"Closed “{wave.label}”. Its results are being computed."
        )
    return redirect("survey_list")


@login_required
def instruments(request):
    """Load a questionnaire: an Alongside definition, or a REDCap data dictionary."""
    policy.require(policy.may_manage_surveys(request.user))
    form = InstrumentUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        problems = _instrument_load(request, form)
        if not problems:
            return redirect("survey_instruments")
    return render(
        request,
        "surveys/instruments.html",
        {
            "form": form,
            "problems": problems,
            "instruments": Instrument.objects.all(),
        },
    )


def _instrument_load(request, form: InstrumentUploadForm) -> list[str]:
    data = form.cleaned_data
    try:
        text = data["definition"].read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return ["The file is not UTF-8 text. Save it as UTF-8 and try again."]
    warnings: list[str] = []
    try:
        if data["kind"] == InstrumentUploadForm.REDCAP:
            definition, warnings = instrument_from_redcap(
                text, slug=data["slug"], title=data["title"], version=data["version"]
            )
        else:
            definition = instrument_from_json(text)
        instrument = services.instrument_install(
            actor=request.user, definition=definition
        )
    except InstrumentError as error:
        return list(error.problems)
    except ValidationError as error:
        return list(error.messages)
    for warning in warnings:
        messages.warning(request, warning)
    messages.success(request, f"Loaded “{instrument}”.")
    return []
