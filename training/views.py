from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.service_errors import error_text, form_errors_add
from confidentiality import policy
from program.selectors import program_settings
from training import selectors, services
from training.feedback import feedback_due_for
from training.forms import (
    EnrolSupporterForm,
    PauseForm,
    SessionForm,
    SignOffForm,
    TrainingModuleForm,
)
from training.models import (
    EnrolmentStatus,
    Readiness,
    SessionKind,
    TrainingModule,
    TrainingSession,
)

# --- Program staff: the overview and the curriculum -------------------------------------------


@login_required
def training_overview(request):
    policy.require(policy.may_manage_training(request.user))
    status = request.GET.get("status", "")
    if status not in Readiness.values:
        status = ""
    supporters = selectors.supporters_with_standing(status=status)
    return render(
        request,
        "training/overview.html",
        {
            "upcoming": selectors.upcoming_sessions(request.user),
            "awaiting_attendance": selectors.sessions_awaiting_attendance(request.user),
            "readiness": selectors.readiness_counts(),
            "page": Paginator(supporters, 50).get_page(request.GET.get("page")),
            "status": Readiness(status) if status else None,
            "sign_off_required": program_settings().competency_sign_off_required,
        },
    )


@login_required
def curriculum(request):
    policy.require(policy.may_manage_training(request.user))
    return render(
        request,
        "training/curriculum.html",
        {
            "modules": TrainingModule.objects.all(),
            "may_edit": policy.may_edit_curriculum(request.user),
        },
    )


@login_required
def training_module_edit(request, module_id: int | None = None):
    policy.require(policy.may_edit_curriculum(request.user))
    module = get_object_or_404(TrainingModule, pk=module_id) if module_id else None
    form = TrainingModuleForm(request.POST or None, instance=module)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.training_module_save(
                actor=request.user, module=form.instance
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Saved the module “{saved}”.")
            return redirect("curriculum")
    return render(
        request, "training/module_form.html", {"form": form, "module": module}
    )


# --- Sessions ------------------------------------------------------------------------------------


@login_required
def session_new(request):
    policy.require(policy.may_manage_training(request.user))
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions = services.session_schedule(
                actor=request.user,
                session=form.apply_to(TrainingSession(created_by=request.user)),
                modules=form.cleaned_data["modules"],
                repeats=form.cleaned_data.get("repeats") or 0,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            first = sessions[0]
            more = f" and {len(sessions) - 1} more" if len(sessions) > 1 else ""
            messages.success(request, f"Scheduled “{first}”{more}.")
            return redirect("session_detail", first.pk)
    return render(request, "training/session_form.html", {"form": form})


@login_required
def session_detail(request, session_id: int):
    session = policy.access_training_session(request.user, session_id)
    may_manage = policy.may_manage_training(request.user)
    participants = (
        selectors.session_participants(session)
        if policy.may_see_participants(request.user, session)
        else []
    )
    enrolled_ids = {e.staff_member_id for e in participants}
    enrol_form = (
        EnrolSupporterForm(
            supporters=selectors.current_supporters()
            .exclude(pk__in=enrolled_ids)
            .order_by("last_name", "first_name")
        )
        if may_manage
        else None
    )
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "started": session.starts_at <= timezone.now(),
            "modules": list(session.modules.all()),
            "participants": participants,
            "enrolled": [
                p for p in participants if p.status == EnrolmentStatus.ENROLLED
            ],
            "waiting": [p for p in participants if p.status == EnrolmentStatus.WAITING],
            "own": selectors.own_enrolment(request.user, session),
            "may_manage": may_manage,
            "may_enrol_self": policy.is_peer_supporter(request.user)
            and session.kind == SessionKind.TRAINING,
            "may_take_attendance": policy.may_take_attendance(request.user, session),
            "enrol_form": enrol_form,
        },
    )


@login_required
def session_edit(request, session_id: int):
    policy.require(policy.may_manage_training(request.user))
    session = policy.access_training_session(request.user, session_id)
    form = SessionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=request.user,
                session=form.apply_to(session),
                modules=form.cleaned_data["modules"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                "Saved. Everyone enrolled has been sent the updated invitation.",
            )
            return redirect("session_detail", session.pk)
    return render(
        request, "training/session_form.html", {"form": form, "session": session}
    )


@login_required
@require_POST
def session_cancel(request, session_id: int):
    policy.require(policy.may_manage_training(request.user))
    session = policy.access_training_session(request.user, session_id)
    try:
        services.session_cancel(
            actor=request.user, session=session, reason=request.POST.get("reason", "")
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, "Cancelled. Everyone enrolled has been sent a cancellation."
        )
    return redirect("session_detail", session.pk)


@login_required
@require_POST
def session_enrol(request, session_id: int):
    session = policy.access_training_session(request.user, session_id)
    if "staff_member" in request.POST:
        policy.require(policy.may_manage_training(request.user))
        form = EnrolSupporterForm(
            request.POST, supporters=selectors.current_supporters()
        )
        if not form.is_valid():
            messages.error(request, "Choose a supporter to enrol.")
            return redirect("session_detail", session.pk)
        staff_member = form.cleaned_data["staff_member"]
    else:
        policy.require(request.user.staff_member_id is not None)
        staff_member = request.user.staff_member
    try:
        enrolment = services.enrolment_add(
            actor=request.user, session=session, staff_member=staff_member
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        who = (
            "You are"
            if staff_member.pk == request.user.staff_member_id
            else (f"{staff_member} is")
        )
        if enrolment.status == EnrolmentStatus.WAITING:
            messages.success(
                request, f"The session is full. {who} on the waiting list."
            )
        else:
            messages.success(request, f"{who} enrolled. The invitation is on its way.")
    return redirect("session_detail", session.pk)


@login_required
@require_POST
def enrolment_withdraw(request, enrolment_id: int):
    enrolment = policy.access_enrolment(request.user, enrolment_id)
    try:
        services.enrolment_withdraw(actor=request.user, enrolment=enrolment)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "The place is given up.")
    return redirect("session_detail", enrolment.session_id)


@login_required
@require_POST
def session_attendance(request, session_id: int):
    session = policy.access_training_session(request.user, session_id)
    policy.require(policy.may_take_attendance(request.user, session))
    try:
        attended = {int(value) for value in request.POST.getlist("attended")}
        services.attendance_record(
            actor=request.user, session=session, attended_ids=attended
        )
    except ValueError:
        messages.error(request, "The attendance list was not understood; try again.")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Attendance saved.")
    return redirect("session_detail", session.pk)


# --- Supporters ----------------------------------------------------------------------------------


@login_required
def my_training(request):
    policy.require(policy.is_peer_supporter(request.user))
    staff_member = request.user.staff_member
    return render(
        request,
        "training/my_training.html",
        {
            "record": selectors.supporter_record(staff_member),
            "open_sessions": selectors.open_sessions_for(request.user, staff_member),
            "feedback_due": feedback_due_for(request.user),
            "pause_form": PauseForm(),
        },
    )


@login_required
@require_POST
def my_training_pause(request):
    policy.require(policy.is_peer_supporter(request.user))
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose why you are pausing.")
        return redirect("my_training")
    try:
        services.supporter_pause(user=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            "You are paused: no new assignments until you switch it off. "
            "Look after yourself.",
        )
    return redirect("my_training")


@login_required
@require_POST
def my_training_resume(request):
    policy.require(policy.is_peer_supporter(request.user))
    try:
        services.supporter_resume(user=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Welcome back. You are in matching again.")
    return redirect("my_training")


@login_required
def supporter_training_record(request, staff_member_id: int):
    policy.require(policy.may_manage_training(request.user))
    staff_member = policy.access_supporter_record(
        request.user, staff_member_id, purpose="Opened a supporter's training record"
    )
    return render(
        request,
        "training/supporter_record.html",
        {
            "record": selectors.supporter_record(staff_member),
            "sign_off_form": SignOffForm()
            if policy.may_sign_off_competency(request.user)
            else None,
        },
    )


@login_required
@require_POST
def competency_sign_off(request, staff_member_id: int):
    policy.require(policy.may_sign_off_competency(request.user))
    staff_member = policy.access_supporter_record(
        request.user, staff_member_id, purpose="Signed off a supporter's competency"
    )
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            services.competency_sign_off(
                actor=request.user,
                staff_member=staff_member,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Signed off {staff_member}'s competency.")
    else:
        messages.error(request, " ".join(form.errors.get("note", [])))
    return redirect("supporter_training_record", staff_member.pk)
