import datetime

from django.urls import reverse
from django.utils import timezone

from alongside.testing.cast import make_staff_member, make_user
from alongside.tests.test_every_url import TABLE, request_path
from confidentiality.models import AccessEvent
from outbox.models import OutboundEmail
from selection import services
from selection.models import Candidate, CandidateStage, Nomination, NominationRound

SIGN_IN_PAGES = ("accounts/", "account_", "mfa_", "socialaccount", "openid")
STATEMENT = "I have sat with colleagues after bad nights and would like training."


# --- The director's pages --------------------------------------------------------------


def test_the_director_opens_a_round_from_the_form(cast, client_for):
    today = timezone.localdate()
    response = client_for(cast.director).post(
        reverse("nomination_round_new"),
        {
            "title": "Winter",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=10)).isoformat(),
        },
    )
    nomination_round = NominationRound.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "nomination_round_detail", args=[nomination_round.pk]
    )


def test_a_round_in_the_past_is_refused_on_the_form(cast, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(cast.director).post(
        reverse("nomination_round_new"),
        {
            "title": "Late",
            "opens_on": yesterday.isoformat(),
            "closes_on": yesterday.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "A round cannot open in the past." in response.content.decode()
    assert not NominationRound.objects.exists()


def test_the_round_page_shows_the_funnel_and_candidates(
    cast, client_for, spring, nominee
):
    services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    response = client_for(cast.administrator).get(
        reverse("nomination_round_detail", args=[spring.pk])
    )
    page = response.content.decode()
    assert "Nominee, Noor" in page
    assert "nominated" in page


def test_the_round_page_takes_a_fixed_number_of_queries(
    cast, client_for, spring, django_assert_max_num_queries
):
    for nominee in [make_staff_member(cast.org) for _ in range(3)]:
        for nominator in (cast.clinician, cast.leader):
            services.nomination_make(
                nominator=nominator, nomination_round=spring, nominee=nominee
            )
    for _ in range(25):
        services.supporter_apply(
            applicant=make_user(cast.org), nomination_round=spring, statement=STATEMENT
        )
    client = client_for(cast.director)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("nomination_round_detail", args=[spring.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("/selection/candidates/") == 28


def test_opening_a_candidate_is_witnessed(cast, client_for, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    client_for(cast.director).get(
        reverse("candidate_detail", args=[nomination.candidate_id])
    )
    event = AccessEvent.objects.get(object_type="selection.candidate")
    assert event.subject == nominee
    assert event.actor == cast.director


def test_the_director_invites_a_candidate_with_a_note(
    cast, client_for, spring, nominee
):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    url = reverse("candidate_detail", args=[nomination.candidate_id])
    response = client_for(cast.director).post(
        url, {"to_stage": "invited", "note": "Ask about nights."}
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.stage == CandidateStage.INVITED
    assert candidate.steps.last().note == "Ask about nights."
    assert OutboundEmail.objects.filter(recipient=nominee.work_email).exists()
    page = client_for(cast.administrator).get(url).content.decode()
    assert "Ask about nights." in page


def test_the_administrator_is_not_offered_the_selection_decision(
    cast, client_for, spring, nominee
):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    candidate = nomination.candidate
    for stage in ("invited", "accepted", "interviewed"):
        services.candidate_move(
            actor=cast.director, candidate=candidate, to_stage=stage
        )
    url = reverse("candidate_detail", args=[candidate.pk])
    page = client_for(cast.administrator).get(url).content.decode()
    assert 'value="selected"' not in page
    response = client_for(cast.administrator).post(url, {"to_stage": "selected"})
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.INTERVIEWED


def test_the_coverage_page_shows_a_gap(cast, client_for):
    make_staff_member(
        cast.org,
        profession=cast.org.professions["resident"],
        department=cast.org.emergency,
    )
    page = client_for(cast.director).get(reverse("supporter_coverage")).content.decode()
    assert "Resident/fellow" in page
    assert "gap" in page


# --- Nominating and applying -----------------------------------------------------------------


def test_a_clinician_finds_and_nominates_a_colleague(cast, client_for, spring, nominee):
    client = client_for(cast.clinician)
    page = client.get(reverse("nominate"), {"q": "noor"}).content.decode()
    assert reverse("nominate_person", args=[nominee.pk]) in page
    response = client.post(
        reverse("nominate_person", args=[nominee.pk]), {"reason": "She listens."}
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.nominator == cast.clinician.staff_member
    page = client.get(reverse("nominate")).content.decode()
    assert "Your nominations" in page
    assert "Withdraw" in page


def test_the_search_finds_nobody_outside_the_scope_or_oneself(cast, client_for, spring):
    client = client_for(cast.clinician)
    page = client.get(reverse("nominate"), {"q": "Risk"}).content.decode()
    assert "Nobody the program serves matches" in page
    page = client.get(reverse("nominate"), {"q": "Clinician"}).content.decode()
    assert reverse("nominate_person", args=[cast.clinician.staff_member_id]) not in page


def test_a_second_nomination_of_the_same_colleague_gets_a_clear_message(
    cast, client_for, spring, nominee
):
    client = client_for(cast.clinician)
    url = reverse("nominate_person", args=[nominee.pk])
    client.post(url, {"reason": ""})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "You have already nominated Noor Nominee" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_someone_outside_the_scope_is_told_kindly_they_cannot_nominate(
    cast, client_for, spring
):
    page = client_for(cast.risk).get(reverse("nominate")).content.decode()
    assert "not yet among them" in page
    assert "Find a colleague" not in page


def test_with_no_round_open_the_page_says_so(cast, client_for):
    page = client_for(cast.clinician).get(reverse("nominate")).content.decode()
    assert "no round is open right now" in page


def test_a_clinician_withdraws_their_nomination(cast, client_for, spring, nominee):
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    response = client_for(cast.clinician).post(
        reverse("nomination_withdraw", args=[nomination.pk])
    )
    assert response.status_code == 302
    assert not Nomination.objects.exists()


def test_a_clinician_applies(cast, client_for, spring):
    client = client_for(cast.clinician)
    response = client.post(reverse("supporter_apply"), {"statement": STATEMENT})
    assert response.status_code == 302
    assert Candidate.objects.get().stage == CandidateStage.APPLIED
    page = client.get(reverse("supporter_apply")).content.decode()
    assert "You applied on" in page


def test_a_short_statement_is_sent_back_with_the_reason(cast, client_for, spring):
    response = client_for(cast.clinician).post(
        reverse("supporter_apply"), {"statement": "Yes"}
    )
    assert "a little about why" in response.content.decode()
    assert not Candidate.objects.exists()


# --- The invitation link -------------------------------------------------------------------------


def _invite(cast, spring, nominee) -> str:
    nomination = services.nomination_make(
        nominator=cast.clinician, nomination_round=spring, nominee=nominee
    )
    services.candidate_move(
        actor=cast.director, candidate=nomination.candidate, to_stage="invited"
    )
    body = OutboundEmail.objects.get().body_text
    link = next(line for line in body.splitlines() if "/invitation/" in line)
    return link.split("127.0.0.1:8000", 1)[1]


def test_the_invitation_link_opens_without_signing_in_and_accepts(
    cast, client, spring, nominee
):
    path = _invite(cast, spring, nominee)
    page = client.get(path)
    assert page.status_code == 200
    assert "Yes, I'm interested" in page.content.decode()
    response = client.post(path, {"answer": "accept"})
    assert "will be in touch" in response.content.decode()
    assert Candidate.objects.get().stage == CandidateStage.ACCEPTED
    assert client.get(path).status_code == 404


def test_a_mail_scanner_opening_the_link_does_not_answer_it(
    cast, client, spring, nominee
):
    path = _invite(cast, spring, nominee)
    client.get(path)
    client.head(path)
    assert Candidate.objects.get().stage == CandidateStage.INVITED


def test_declining_from_the_link(cast, client, spring, nominee):
    path = _invite(cast, spring, nominee)
    client.post(path, {"answer": "decline"})
    assert Candidate.objects.get().stage == CandidateStage.DECLINED


# --- Nominators are never named where the nominee or a supporter can look -------------------


def test_the_nominator_is_named_on_no_page_the_nominee_or_a_supporter_can_open(
    cast, client_for, spring, nominator
):
    """Every page in the every-URL table, plus the invitation, as nominee and as supporter.

    The nominee is the cast's supporter; the nominator has a name found
    nowhere else. Program staff pages are checked too: they show counts only.
    """
    nominee = cast.other_supporter.staff_member
    nomination = services.nomination_make(
        nominator=nominator,
        nomination_round=spring,
        nominee=nominee,
        reason="Steady hands.",
    )
    services.candidate_move(
        actor=cast.director, candidate=nomination.candidate, to_stage="invited"
    )
    invitation = OutboundEmail.objects.get().body_text
    invitation_path = next(
        line for line in invitation.splitlines() if "/invitation/" in line
    ).split("127.0.0.1:8000", 1)[1]
    identifiers = (
        "Zebedee",
        "Quillfeather",
        nominator.email,
        nominator.staff_member.employee_id,
    )
    everything = [
        request_path(key, entry, cast)
        for key, entry in TABLE.items()
        if entry.method == "get" and not key.startswith(SIGN_IN_PAGES)
    ]
    everything += [invitation_path, reverse("my_record")]
    # Program staff open the roster, where everyone is named; what they must not
    # see is who nominated whom, so their check covers the selection pages.
    selection_pages = [
        reverse("selection"),
        reverse("nomination_round_detail", args=[spring.pk]),
        reverse("candidate_detail", args=[nomination.candidate_id]),
        reverse("supporter_coverage"),
        reverse("audit_log"),
    ]
    viewers = [
        ("nominee", cast.other_supporter, everything),
        ("supporter", cast.supporter, everything),
        ("director", cast.director, selection_pages),
        ("administrator", cast.administrator, selection_pages),
    ]
    opened = 0
    for name, viewer, paths in viewers:
        client = client_for(viewer)
        for path in paths:
            response = client.get(path)
            # The guide's pocket card (a PDF) names nobody; every page is HTML.
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            opened += 1
            page = response.content.decode()
            for identifier in identifiers:
                assert identifier not in page, f"{identifier} shown to {name} on {path}"
    assert opened > 20
    assert "Zebedee" not in invitation
