from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy
from guide import selectors, services
from guide.card import guide_card_pdf
from guide.forms import QuestionForm, RestoreForm, StageForm

# --- Reading the guide ------------------------------------------------------------------------


@login_required
def guide(request):
    policy.require(policy.may_read_guide(request.user))
    return render(
        request,
        "guide/guide.html",
        {
            "stages": selectors.guide_for_page(),
            "may_edit": policy.may_edit_guide(request.user),
        },
    )


@login_required
def guide_card(request):
    policy.require(policy.may_read_guide(request.user))
    pdf = guide_card_pdf(selectors.guide_for_page())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="conversation-guide.pdf"'
    return response


# --- The director edits it --------------------------------------------------------------------


@login_required
def guide_edit(request):
    policy.require(policy.may_edit_guide(request.user))
    return render(
        request,
        "guide/edit.html",
        {"stages": selectors.guide_for_page(), "restore_form": RestoreForm()},
    )


def _stage_page(request, stage, *, stage_form=None, question_form=None):
    return render(
        request,
        "guide/stage_edit.html",
        {
            "stage": stage,
            "stage_form": stage_form
            or StageForm(initial={"name": stage.name, "purpose": stage.purpose}),
            "question_form": question_form or QuestionForm(),
            "questions_max": services.QUESTIONS_PER_STAGE_MAX,
        },
    )


@login_required
def guide_stage_edit(request, stage_id: int):
    policy.require(policy.may_edit_guide(request.user))
    stage = selectors.stage_for_edit(stage_id)
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.stage_change(
                actor=request.user,
                stage=stage,
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Saved the stage “{saved}”.")
            return redirect("guide_stage_edit", saved.pk)
    return _stage_page(request, stage, stage_form=form if form.is_bound else None)


@login_required
@require_POST
def guide_question_add(request, stage_id: int):
    policy.require(policy.may_edit_guide(request.user))
    stage = selectors.stage_for_edit(stage_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(
                actor=request.user, stage=stage, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Added a question to “{stage}”.")
            return redirect("guide_stage_edit", stage.pk)
    return _stage_page(request, stage, question_form=form)


@login_required
def guide_question_edit(request, question_id: int):
    policy.require(policy.may_edit_guide(request.user))
    question = selectors.question_for_edit(question_id)
    form = QuestionForm(request.POST or None, initial={"text": question.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_change(
                actor=request.user, question=question, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Saved the question.")
            return redirect("guide_stage_edit", question.stage_id)
    return render(
        request, "guide/question_edit.html", {"form": form, "question": question}
    )


@login_required
@require_POST
def guide_question_move(request, question_id: int):
    policy.require(policy.may_edit_guide(request.user))
    question = selectors.question_for_edit(question_id)
    try:
        services.question_move(
            actor=request.user,
            question=question,
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("guide_stage_edit", question.stage_id)


@login_required
@require_POST
def guide_question_remove(request, question_id: int):
    policy.require(policy.may_edit_guide(request.user))
    question = selectors.question_for_edit(question_id)
    services.question_remove(actor=request.user, question=question)
    messages.success(request, f"Removed the question “{question.text}”.")
    return redirect("guide_stage_edit", question.stage_id)


@login_required
@require_POST
def guide_restore(request):
    policy.require(policy.may_edit_guide(request.user))
    form = RestoreForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "guide/edit.html",
            {"stages": selectors.guide_for_page(), "restore_form": form},
        )
    services.guide_default_restore(actor=request.user)
    messages.success(request, "The guide is back to Alongside's default.")
    return redirect("guide_edit")
