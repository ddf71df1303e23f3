"""Who may open the brief and its editors, and what the page shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from brief.models import EvidenceFinding
from brief.period import last_twelve_months, whole_quarters
from confidentiality.models import AccessEvent, AccessKind

pytestmark = pytest.mark.django_db

READERS = {"director", "administrator", "leader"}
EDITORS = {"director"}


def finding() -> EvidenceFinding:
    return EvidenceFinding.objects.order_by("pk").first()


def read_urls() -> list[str]:
    return [reverse("brief"), reverse("brief_pdf")]


def edit_get_urls() -> list[str]:
    return [
        reverse("brief_evidence"),
        reverse("brief_evidence_new"),
        reverse("brief_evidence_edit", args=[finding().pk]),
        reverse("brief_assumptions"),
    ]


def edit_post_urls() -> list[str]:
    return [
        reverse("brief_evidence_move", args=[finding().pk]),
        reverse("brief_evidence_retire", args=[finding().pk]),
        reverse("brief_assumptions_from_survey"),
    ]


@pytest.mark.parametrize(
    "role",
    ["director", "administrator", "supporter", "clinician", "leader", "risk", "it"],
)
def test_program_staff_and_leadership_read_the_brief_and_only_the_director_edits(
    cast, client_for, role
):
    client = client_for(cast.by_role_name()[role])
    for url in read_urls():
        assert client.get(url).status_code == (200 if role in READERS else 404), url
    for url in edit_get_urls():
        assert client.get(url).status_code == (200 if role in EDITORS else 404), url
    if role not in EDITORS:
        for url in edit_post_urls():
            assert client.post(url, {"direction": "up"}).status_code == 404, url


def test_anyone_signed_out_is_sent_to_sign_in(client_for, db):
    client = client_for(None)
    for url in [reverse("brief"), reverse("brief_pdf"), reverse("brief_assumptions")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_finding_that_does_not_exist_is_a_404_for_the_director(cast, client_for):
    client = client_for(cast.director)
    assert client.get(reverse("brief_evidence_edit", args=[99999])).status_code == 404


def test_the_page_is_dated_and_states_its_period_the_last_twelve_months_by_default(
    cast, client_for
):
    today = timezone.localdate()
    response = client_for(cast.leader).get(reverse("brief"))
    text = response.content.decode()
    # Leadership's brief covers whole complete quarters (docs/brief.md).
    period = whole_quarters(last_twelve_months(today), today=today)
    assert f"Data period: {period.start:%-d %B %Y} to {period.end:%-d %B %Y}" in text
    assert "Figures cover whole quarters: Q" in text
    assert f"Made {today:%-d %B %Y}" in text
    # Leadership reads; it is not offered the editors.
    assert reverse("brief_assumptions") not in text
    assert "brief/brief.css" in text  # the print stylesheet


def test_the_period_can_be_chosen_and_the_pdf_link_keeps_it(cast, client_for):
    response = client_for(cast.director).get(
        reverse("brief"), {"start": "2026-01-01", "end": "2026-03-31"}
    )
    text = response.content.decode()
    assert "Data period: 1 January 2026 to 31 March 2026" in text
    assert f"{reverse('brief_pdf')}?start=2026-01-01&amp;end=2026-03-31" in text
    assert reverse("brief_assumptions") in text  # the director edits


def test_a_period_that_cannot_be_shown_falls_back_to_the_last_twelve_months(
    cast, client_for
):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    response = client_for(cast.director).get(
        reverse("brief"), {"start": "2026-05-01", "end": tomorrow.isoformat()}
    )
    text = response.content.decode()
    assert "cannot cover days that have not happened" in text
    assert f"to {today:%-d %B %Y}" in text
    response = client_for(cast.director).get(
        reverse("brief"), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert "has to start before it ends" in response.content.decode()


def test_downloading_the_pdf_is_witnessed_as_an_export(cast, client_for):
    response = client_for(cast.leader).get(
        reverse("brief_pdf"), {"start": "2026-01-01", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.kind == AccessKind.EXPORT
    assert event.actor == cast.leader
    assert event.purpose == "Downloaded the brief to leadership (PDF)"
    assert event.object_id == "2026-01-01..2026-03-31"


def test_reading_the_page_writes_no_access_event(cast, client_for):
    client_for(cast.leader).get(reverse("brief"))
    assert not AccessEvent.objects.exists()


def test_the_seeded_findings_are_in_the_brief_with_the_duty_to_check_them(
    cast, client_for
):
    text = client_for(cast.administrator).get(reverse("brief")).content.decode()
    assert "check them against the sources before presenting" in text
    assert "Waterman AD" in text
    assert "https://doi.org/10.1001/archsurg.2011.312" in text
