"""Who a wave asks, the segment labels fixed for them, their single-use links, and reminders.

The worker issues a wave's invitations (``wave_invitations_issue``) a batch
at a time, so opening a wave for 100 000 people never waits on a request.
Each link is derived from the wave and the person with the server's secret
(``invitation_token``), so a reminder can carry the same link again while
the database keeps only its hash.
"""

import base64
import datetime
import hashlib
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from organization.models import StaffMember
from outbox.services import email_queue
from scope.eligibility import eligible_staff_members
from surveys.models import Invitation, TenureBand, Wave, WaveStatus

ISSUE_BATCH = 500
DIMENSIONS = ("department_id", "profession_id", "site_id", "tenure_band")
# Coarsened first to last: the label that says least about the program's work goes first.
_BLANK = (None, None, None, "")
COARSEN_ORDER = ("tenure_band", "site_id", "profession_id", "department_id")


def invitation_token(wave_id: int, staff_member_id: int) -> str:
    digest = salted_hmac(
        "alongside.surveys.invitation",
        f"{wave_id}:{staff_member_id}",
        algorithm="sha256",
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tenure_band(start_date: datetime.date | None, on: datetime.date) -> str:
    if start_date is None:
        return ""
    years = (on - start_date).days / 365.25
    if years < 1:
        return TenureBand.UNDER_ONE
    if years < 5:
        return TenureBand.ONE_TO_FOUR
    if years < 10:
        return TenureBand.FIVE_TO_NINE
    return TenureBand.TEN_PLUS


def wave_audience(wave: Wave) -> QuerySet[StaffMember]:
    """Everyone the program serves on the opening day, within the wave's chosen segments."""
    people = eligible_staff_members(wave.opens_on).filter(is_active=True)
    professions = list(wave.professions.values_list("pk", flat=True))
    departments = list(wave.departments.values_list("pk", flat=True))
    sites = list(wave.sites.values_list("pk", flat=True))
    if professions:
        people = people.filter(profession_id__in=professions)
    if departments:
        people = people.filter(department_id__in=departments)
    if sites:
        people = people.filter(site_id__in=sites)
    return people.exclude(work_email="")


def segment_labels(people: list[dict], *, k: int) -> dict[int, dict]:
    """Each person's labels, coarsened until every combination describes at least k people.

    Labels of people in a combination smaller than k are blanked one dimension
    at a time (tenure, then site, profession, department). If the people left
    with no labels at all are fewer than k, the smallest other groups join them.
    """
    labels = {person["pk"]: {d: person[d] for d in DIMENSIONS} for person in people}
    for dimension in COARSEN_ORDER:
        sizes = Counter(_combination(row) for row in labels.values())
        for row in labels.values():
            if sizes[_combination(row)] < k:
                row[dimension] = "" if dimension == "tenure_band" else None
    _fill_the_unlabelled_group(labels, k=k)
    return labels


def _combination(row: dict) -> tuple:
    return tuple(row[d] for d in DIMENSIONS)


def _fill_the_unlabelled_group(labels: dict, *, k: int) -> None:
    """Bring the group with no labels up to k, taking as few people from others as possible.

    People are taken from groups that can spare them (staying at k or more),
    largest surplus first, in an order fixed by a hash of their key (so not by
    seniority or name); only if no group can spare enough is a whole group,
    the smallest, merged in.
    """
    while True:
        sizes = Counter(_combination(row) for row in labels.values())
        missing = k - sizes[_BLANK]
        if sizes[_BLANK] == 0 or missing <= 0 or len(sizes) == 1:
            return
        surplus = {c: n - k for c, n in sizes.items() if c != _BLANK and n > k}
        if sum(surplus.values()) >= missing:
            _take_from_surplus(labels, surplus, missing)
            return
        smallest = min(
            (c for c in sizes if c != _BLANK), key=lambda c: (sizes[c], str(c))
        )
        for row in labels.values():
            if _combination(row) == smallest:
                _blank(row)


def _take_from_surplus(labels: dict, surplus: dict[tuple, int], missing: int) -> None:
    order = sorted(labels, key=lambda key: hashlib.sha256(str(key).encode()).digest())
    for combination in sorted(surplus, key=lambda c: (-surplus[c], str(c))):
        spare = min(surplus[combination], missing)
        for key in order:
            if spare == 0:
                break
            if _combination(labels[key]) == combination:
                _blank(labels[key])
                spare -= 1
                missing -= 1
        if missing == 0:
            return


def _blank(row: dict) -> None:
    row.update(department_id=None, profession_id=None, site_id=None, tenure_band="")


def wave_invitations_issue(*, wave_id: int) -> int:
    """The worker's task: invite everyone in the audience not yet invited. How many."""
    wave = Wave.objects.get(pk=wave_id)
    if wave.status != WaveStatus.OPEN:
        return 0
    people = list(
        wave_audience(wave).values(
            "pk", "department_id", "profession_id", "site_id", "start_date"
        )
    )
    for person in people:
        person["tenure_band"] = tenure_band(person.pop("start_date"), wave.opens_on)
    labels = segment_labels(people, k=wave.k)
    invited = set(wave.invitations.values_list("staff_member_id", flat=True))
    waiting = [pk for pk in sorted(labels) if pk not in invited]
    issued = 0
    for start in range(0, len(waiting), ISSUE_BATCH):
        issued += _issue_batch(wave, waiting[start : start + ISSUE_BATCH], labels)
    Wave.objects.filter(pk=wave.pk).update(invited=wave.invitations.count())
    return issued


@transaction.atomic
def _issue_batch(wave: Wave, staff_ids: list[int], labels: dict[int, dict]) -> int:
    people = StaffMember.objects.in_bulk(staff_ids)
    Invitation.objects.bulk_create(
        [
            Invitation(
                wave=wave,
                staff_member_id=pk,
                token_hash=token_hash(invitation_token(wave.pk, pk)),
                **labels[pk],
            )
            for pk in staff_ids
        ],
        ignore_conflicts=True,
    )
    for pk in staff_ids:
        _invitation_email(wave, people[pk], reminder=False)
    return len(staff_ids)


def wave_reminders_send(*, wave_id: int) -> int:
    """Remind those who have not answered; nothing about who has. How many."""
    wave = Wave.objects.get(pk=wave_id)
    if wave.status != WaveStatus.OPEN or timezone.localdate() > wave.closes_on:
        return 0
    waiting = list(wave.invitations.filter(answered=False).values_list("pk", flat=True))
    for start in range(0, len(waiting), ISSUE_BATCH):
        _remind_batch(wave, waiting[start : start + ISSUE_BATCH])
    return len(waiting)


@transaction.atomic
def _remind_batch(wave: Wave, invitation_ids: list[int]) -> None:
    invitations = list(
        Invitation.objects.select_for_update(of=("self",))
        .filter(pk__in=invitation_ids, answered=False)
        .select_related("staff_member")
    )
    for invitation in invitations:
        _invitation_email(wave, invitation.staff_member, reminder=True)
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        reminders_sent=F("reminders_sent") + 1
    )


def _invitation_email(wave: Wave, person: StaffMember, *, reminder: bool) -> None:
    token = invitation_token(wave.pk, person.pk)
    email_queue(
        recipient=person.work_email,
        subject="A reminder: a short, anonymous survey"
        if reminder
        else "A short, anonymous survey",
        body_text=render_to_string(
            "surveys/email/invitation.txt",
            {
                "wave": wave,
                "first_name": person.first_name,
                "link": settings.SITE_URL + reverse("survey_respond", args=[token]),
                "reminder": reminder,
                "organization_name": settings.ORGANIZATION_NAME,
            },
        ),
        purpose="survey_reminder" if reminder else "survey_invitation",
    )
