"""The response form: opened with a single-use link, no sign-in, nothing witnessed."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from resources.selectors import crisis_resources
from surveys.responses import link_state, response_submit, wave_instrument


@never_cache
@require_http_methods(["GET", "POST"])
def survey_respond(request, token: str):
    state = link_state(token)
    if state.problem:
        return render(
            request,
            "surveys/respond_closed.html",
            {"problem": state.problem, "crisis_resources": crisis_resources()},
            status=404 if state.invitation is None else 200,
        )
    wave = state.wave
    instrument = wave_instrument(wave)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        answers = {
            item.id: request.POST.get(item.id, "") for item in instrument.choice_items
        }
        try:
            response_submit(
                token=token,
                answers=answers,
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as refused:
            errors = (
                refused.message_dict
                if hasattr(refused, "error_dict")
                else {"__all__": refused.messages}
            )
        else:
            return redirect("survey_thanks")
    chosen = request.POST if request.method == "POST" else {}
    return render(
        request,
        "surveys/respond.html",
        {
            "wave": wave,
            "survey": wave.survey,
            "instrument": instrument,
            "questions": [
                {
                    "item": item,
                    "chosen": chosen.get(item.id, ""),
                    "errors": errors.get(item.id, []),
                }
                for item in instrument.choice_items
            ],
            "comment": chosen.get("comment", ""),
            "form_errors": errors.get("__all__", []),
            "question_count": len(instrument.choice_items)
            + (1 if instrument.comment_item else 0),
        },
        status=400 if errors else 200,
    )


def survey_thanks(request):
    return render(
        request, "surveys/respond_thanks.html", {"crisis_resources": crisis_resources()}
    )
