"""Selecting peer supporters: rounds, nominations, applications and the pipeline.

Who nominated whom is the most delicate thing kept here. No audit event,
pipeline step or e-mail names a nominator together with the person they
nominated, and the link itself is erased once a round has been closed for a
while (``nominators_erase_due``).
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from accounts.services import role_grant
from confidentiality import policy
from confidentiality.models import AuditAction, AuditAudience
from confidentiality.services import audit_event_record
from organization.models import StaffMember
from outbox.services import email_queue
from program.selectors import program_settings
from scope.eligibility import staff_member_is_eligible
from selection.models import (
    NEXT_STAGES,
    Candidate,
    CandidateStage,
    CandidateStep,
    Nomination,
    NominationRound,
)

MAX_NOMINATIONS_PER_ROUND = 3
REASON_MAX_LENGTH = 500
STATEMENT_MIN_LENGTH = 20
STATEMENT_MAX_LENGTH = 1500
NOTE_MAX_LENGTH = 1000
INVITATION_VALID_FOR = datetime.timedelta(days=30)
DECIDED_BY_DIRECTOR = {CandidateStage.SELECTED, CandidateStage.NOT_SELECTED}


# --- Rounds ----------------------------------------------------------------------------------


@transaction.atomic
def nomination_round_open(
    *, actor: User, title: str, opens_on: datetime.date, closes_on: datetime.date
) -> NominationRound:
    """Open (or schedule) a round; rounds may not overlap, so "the current round" is one."""
    if not policy.may_change_program(actor):
        raise PermissionDenied("Only the program director opens nomination rounds.")
    title = title.strip()
    if not title:
        raise ValidationError(
            {"title": "Give the round a name, such as “Spring 2027”."}
        )
    if opens_on < timezone.localdate():
        raise ValidationError({"opens_on": "A round cannot open in the past."})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The round must close after it opens."})
    for other in NominationRound.objects.select_for_update().filter(
        opens_on__lte=closes_on, closes_on__gte=opens_on
    ):
        if other.closed_early_on is None or other.closed_early_on > opens_on:
            raise ValidationError(
                {
                    "opens_on": f"These dates overlap the round “{other}” "
                    f"({other.opens_on:%-d %b} to {other.closes_on:%-d %b %Y})."
                }
            )
    nomination_round = NominationRound.objects.create(
        title=title, opens_on=opens_on, closes_on=closes_on, created_by=actor
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.NOMINATION_ROUND_OPENED,
        obj=nomination_round,
        audience=AuditAudience.PROGRAM,
        details={"opens_on": str(opens_on), "closes_on": str(closes_on)},
    )
    return nomination_round


@transaction.atomic
def nomination_round_close(
    *, actor: User, nomination_round: NominationRound
) -> NominationRound:
    """End a round today, before its planned last day."""
    if not policy.may_change_program(actor):
        raise PermissionDenied("Only the program director closes nomination rounds.")
    nomination_round = NominationRound.objects.select_for_update().get(
        pk=nomination_round.pk
    )
    if nomination_round.status() == "closed":
        raise ValidationError("This round has already closed.")
    nomination_round.closed_early_on = timezone.localdate()
    nomination_round.save(update_fields=["closed_early_on"])
    audit_event_record(
        actor=actor,
        action=AuditAction.NOMINATION_ROUND_CLOSED,
        obj=nomination_round,
        audience=AuditAudience.PROGRAM,
        details={"closed_on": str(nomination_round.closed_early_on)},
    )
    return nomination_round


# --- Nominations and applications ----------------------------------------------------------


def _require_open(nomination_round: NominationRound) -> None:
    status = nomination_round.status()
    if status == "upcoming":
        raise ValidationError(
            f"The round “{nomination_round}” opens on "
            f"{nomination_round.opens_on:%-d %B %Y}."
        )
    if status == "closed":
        raise ValidationError(f"The round “{nomination_round}” has closed.")


def _require_eligible_person(user: User) -> StaffMember:
    staff_member = user.staff_member if user.staff_member_id else None
    if not staff_member_is_eligible(staff_member):
        raise ValidationError(
            "Nominations and applications are open to the staff the program serves, "
            "and your role is not yet among them."
        )
    return staff_member


def _candidate_for(
    nomination_round: NominationRound, staff_member: StaffMember, stage: str
) -> tuple[Candidate, bool]:
    candidate, created = Candidate.objects.select_for_update().get_or_create(
        round=nomination_round, staff_member=staff_member, defaults={"stage": stage}
    )
    if created:
        # Nobody is named as having decided this: the step must not point at
        # the nominator.
        CandidateStep.objects.create(candidate=candidate, from_stage="", to_stage=stage)
    return candidate, created


@transaction.atomic
def nomination_make(
    *,
    nominator: User,
    nomination_round: NominationRound,
    nominee: StaffMember,
    reason: str = "",
) -> Nomination:
    """Nominate a colleague one would trust after a hard day (up to three a round)."""
    nominator_member = _require_eligible_person(nominator)
    # One nominator's nominations are made one at a time, so the limit holds.
    StaffMember.objects.select_for_update().get(pk=nominator_member.pk)
    _require_open(nomination_round)
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Keep the reason under {REASON_MAX_LENGTH} characters."}
        )
    if nominee.pk == nominator_member.pk:
        raise ValidationError("You cannot nominate yourself. You can apply instead.")
    if not nominee.is_active:
        raise ValidationError(f"{nominee} is no longer on the active roster.")
    if not staff_member_is_eligible(nominee):
        raise ValidationError(
            f"{nominee} works in a role the program does not yet serve, so they "
            "cannot be a peer supporter in this round."
        )
    made = Nomination.objects.filter(round=nomination_round, nominator=nominator_member)
    if made.filter(candidate__staff_member=nominee).exists():
        raise ValidationError(f"You have already nominated {nominee} in this round.")
    if made.count() >= MAX_NOMINATIONS_PER_ROUND:
        raise ValidationError(
            f"You have made your {MAX_NOMINATIONS_PER_ROUND} nominations for this "
            "round. Withdraw one to nominate someone else."
        )
    candidate, _ = _candidate_for(nomination_round, nominee, CandidateStage.NOMINATED)
    nomination = Nomination.objects.create(
        round=nomination_round,
        candidate=candidate,
        nominator=nominator_member,
        reason=reason,
    )
    # Witnessed like an anonymous answer: the round, with neither nominee nor
    # nominator. Either one, set beside the candidates' nomination counts,
    # could say who nominated whom.
    audit_event_record(
        actor=None,
        action=AuditAction.NOMINATION_MADE,
        obj=nomination_round,
        audience=AuditAudience.PROGRAM,
    )
    return nomination


@transaction.atomic
def nomination_withdraw(*, nominator: User, nomination: Nomination) -> None:
    """Take back a nomination while the round is open and nobody has acted on it."""
    if nomination.nominator_id != nominator.staff_member_id:
        raise PermissionDenied("Only the person who made a nomination can withdraw it.")
    _require_open(nomination.round)
    candidate = Candidate.objects.select_for_update().get(pk=nomination.candidate_id)
    if candidate.stage not in {CandidateStage.NOMINATED, CandidateStage.APPLIED}:
        raise ValidationError(
            "The program has already acted on this nomination, so it cannot be "
            "withdrawn. Write to the program director if something is wrong."
        )
    nomination.delete()
    if candidate.applied_on is None and not candidate.nominations.exists():
        candidate.delete()
    audit_event_record(
        actor=None,
        action=AuditAction.NOMINATION_WITHDRAWN,
        obj=nomination.round,
        audience=AuditAudience.PROGRAM,
    )


@transaction.atomic
def supporter_apply(
    *, applicant: User, nomination_round: NominationRound, statement: str
) -> Candidate:
    """Put oneself forward as a peer supporter, with a short statement."""
    staff_member = _require_eligible_person(applicant)
    _require_open(nomination_round)
    statement = statement.strip()
    if len(statement) < STATEMENT_MIN_LENGTH:
        raise ValidationError(
            {
                "statement": "Tell the program director a little about why (a few sentences)."
            }
        )
    if len(statement) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "statement": f"Keep the statement under {STATEMENT_MAX_LENGTH} characters."
            }
        )
    if (
        RoleAssignment.objects.current()
        .filter(staff_member=staff_member, role=Role.PEER_SUPPORTER)
        .exists()
    ):
        raise ValidationError("You are already a peer supporter.")
    candidate, created = _candidate_for(
        nomination_round, staff_member, CandidateStage.APPLIED
    )
    if candidate.applied_on is not None:
        raise ValidationError("You have already applied in this round.")
    if not created and candidate.stage == CandidateStage.NOMINATED:
        _step_record(candidate, CandidateStage.APPLIED, decided_by=None, note="")
    candidate.applied_on = timezone.localdate()
    candidate.statement = statement
    candidate.save()
    audit_event_record(
        actor=applicant,
        action=AuditAction.SUPPORTER_APPLIED,
        obj=candidate,
        subject=staff_member,
        audience=AuditAudience.PROGRAM,
    )
    return candidate


# --- The pipeline --------------------------------------------------------------------------------


def _step_record(
    candidate: Candidate, to_stage: str, *, decided_by: User | None, note: str
) -> CandidateStep:
    step = CandidateStep.objects.create(
        candidate=candidate,
        from_stage=candidate.stage,
        to_stage=to_stage,
        decided_by=decided_by,
        note=note,
    )
    candidate.stage = to_stage
    candidate.stage_changed_at = step.decided_at
    return step


@transaction.atomic
def candidate_move(
    *, actor: User, candidate: Candidate, to_stage: str, note: str = ""
) -> CandidateStep:
    """Move a candidate one step along the pipeline, recording who decided and why."""
    if not policy.may_run_selection(actor):
        raise PermissionDenied("Only program staff move candidates along the pipeline.")
    if to_stage in DECIDED_BY_DIRECTOR and not policy.may_decide_selection(actor):
        raise PermissionDenied("Selecting a peer supporter is the director's decision.")
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("staff_member", "round")
        .get(pk=candidate.pk)
    )
    if to_stage not in NEXT_STAGES[candidate.stage]:
        raise ValidationError(
            f"{candidate.staff_member} is {candidate.get_stage_display().lower()}; "
            f"they cannot move to “{CandidateStage(to_stage).label.lower()}” from there."
        )
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Keep the note under {NOTE_MAX_LENGTH} characters."}
        )
    from_stage = candidate.stage
    step = _step_record(candidate, to_stage, decided_by=actor, note=note)
    if to_stage == CandidateStage.INVITED:
        _invitation_send(candidate)
    elif from_stage == CandidateStage.INVITED:
        candidate.invitation_token_hash = ""
        candidate.invitation_expires_at = None
    if to_stage == CandidateStage.SELECTED:
        _peer_supporter_role_grant(actor, candidate.staff_member)
    candidate.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.CANDIDATE_MOVED,
        obj=candidate,
        subject=candidate.staff_member,
        audience=AuditAudience.PROGRAM,
        details={"from": from_stage, "to": to_stage},
    )
    return step


@transaction.atomic
def candidate_training_start(*, actor: User, staff_member: StaffMember) -> bool:
    """A selected candidate enrolled in training moves to "in training". Whether one moved.

    Called by the training services when a supporter is enrolled in a
    training session, whoever enrolled them.
    """
    candidate = (
        Candidate.objects.select_for_update()
        .filter(staff_member=staff_member, stage=CandidateStage.SELECTED)
        .order_by("-stage_changed_at")
        .first()
    )
    if candidate is None:
        return False
    _step_record(candidate, CandidateStage.IN_TRAINING, decided_by=actor, note="")
    candidate.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.CANDIDATE_MOVED,
        obj=candidate,
        subject=staff_member,
        audience=AuditAudience.PROGRAM,
        details={"from": CandidateStage.SELECTED, "to": CandidateStage.IN_TRAINING},
    )
    return True


def _peer_supporter_role_grant(actor: User, staff_member: StaffMember) -> None:
    holds_role = (
        RoleAssignment.objects.current()
        .filter(staff_member=staff_member, role=Role.PEER_SUPPORTER)
        .exists()
    )
    if not holds_role:
        role_grant(actor=actor, staff_member=staff_member, role=Role.PEER_SUPPORTER)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_send(candidate: Candidate) -> None:
    """E-mail the candidate a link to accept or decline (the link is the only key)."""
    email = candidate.staff_member.work_email
    if not email:
        raise ValidationError(
            f"{candidate.staff_member} has no work e-mail on the roster. Ask them in "
            "person, then add their e-mail to the roster to send the invitation."
        )
    token = secrets.token_urlsafe(32)
    candidate.invitation_token_hash = _token_hash(token)
    candidate.invitation_expires_at = timezone.now() + INVITATION_VALID_FOR
    context = {
        "candidate": candidate,
        "nominated": candidate.nominations.exists(),
        "applied": candidate.applied_on is not None,
        "organization_name": settings.ORGANIZATION_NAME,
        "link": settings.SITE_URL + reverse("invitation_answer", args=[token]),
        "expires_at": candidate.invitation_expires_at,
    }
    email_queue(
        recipient=email,
        subject="An invitation to the peer support team",
        body_text=render_to_string("selection/email/invitation.txt", context),
        purpose="supporter_invitation",
    )


def candidate_for_invitation_token(token: str) -> Candidate | None:
    """The candidate a still-valid invitation link belongs to, or None."""
    if not token:
        return None
    return (
        Candidate.objects.select_related("staff_member", "round")
        .filter(
            invitation_token_hash=_token_hash(token),
            stage=CandidateStage.INVITED,
            invitation_expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def invitation_answer(*, token: str, accept: bool) -> Candidate:
    """The candidate's own answer, from the link in their invitation."""
    found = candidate_for_invitation_token(token)
    if found is None:
        raise ValidationError(
            "This invitation link has expired or has already been answered."
        )
    candidate = Candidate.objects.select_for_update().get(pk=found.pk)
    to_stage = CandidateStage.ACCEPTED if accept else CandidateStage.DECLINED
    _step_record(candidate, to_stage, decided_by=None, note="")
    candidate.invitation_token_hash = ""
    candidate.invitation_expires_at = None
    candidate.save()
    audit_event_record(
        actor=None,
        action=AuditAction.CANDIDATE_MOVED,
        obj=candidate,
        subject=found.staff_member,
        audience=AuditAudience.PROGRAM,
        details={"from": CandidateStage.INVITED, "to": to_stage, "by": "candidate"},
    )
    return candidate


# --- Retention -----------------------------------------------------------------------------------


@transaction.atomic
def nominators_erase_due(*, today: datetime.date | None = None) -> int:
    """Erase who nominated whom in rounds closed for longer than the settings keep it.

    The nominations stay (their count and reasons), without their nominator.
    Returns how many rounds were erased.
    """
    today = today or timezone.localdate()
    kept_for = datetime.timedelta(days=program_settings().nominator_identity_kept_days)
    erased = 0
    for nomination_round in NominationRound.objects.select_for_update().filter(
        nominators_erased_at__isnull=True
    ):
        if nomination_round.closed_on + kept_for > today:
            continue
        count = Nomination.objects.filter(round=nomination_round).update(nominator=None)
        nomination_round.nominators_erased_at = timezone.now()
        nomination_round.save(update_fields=["nominators_erased_at"])
        audit_event_record(
            actor=None,
            action=AuditAction.NOMINATORS_ERASED,
            obj=nomination_round,
            audience=AuditAudience.PROGRAM,
            details={"nominations": count},
        )
        erased += 1
    return erased
