import pytest
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboundEmail
from worker.models import BackgroundTask, DueStatus, WorkerHeartbeat

URL = reverse("system_status")
RECIPIENT = "dr.private@hospital.test"
SUBJECT = "About the event on ward 4"


def failed_email(n: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        recipient=RECIPIENT,
        subject=SUBJECT,
        body_text="Body",
        purpose="outreach_offer",
        status=DueStatus.FAILED,
        attempts=8,
        last_error=f"ConnectionRefusedError: refused {n}",
        finished_at=timezone.now(),
    )


def test_the_it_administrator_sees_counts_and_failures(cast, client_for):
    failed_email(1)
    BackgroundTask.objects.create(
        kind="reminders.first_contact",
        status=DueStatus.FAILED,
        last_error="LookupError: gone",
        finished_at=timezone.now(),
    )
    BackgroundTask.objects.create(kind="reminders.first_contact")
    WorkerHeartbeat.objects.create(
        worker_id="host:1:abc", started_at=timezone.now(), last_seen_at=timezone.now()
    )
    response = client_for(cast.it).get(URL)
    assert response.status_code == 200
    work = response.context["work"]
    assert work.worker_alive
    counts = {queue.label: (queue.waiting, queue.failed) for queue in work.queues}
    assert counts == {"E-mail": (0, 1), "Scheduled tasks": (1, 1)}
    content = response.content.decode()
    assert "outreach_offer" in content
    assert "ConnectionRefusedError: refused 1" in content
    assert "reminders.first_contact" in content
    assert RECIPIENT not in content
    assert SUBJECT not in content


def test_the_page_says_when_no_worker_is_running(cast, client_for):
    response = client_for(cast.it).get(URL)
    assert not response.context["work"].worker_alive
    assert "Not running" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["director", "administrator", "supporter", "clinician", "leader", "risk"]
)
def test_everyone_else_gets_404(cast, client_for, name):
    response = client_for(cast.by_role_name()[name]).get(URL)
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_takes_a_bounded_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    for n in range(30):
        failed_email(n)
    client = client_for(cast.it)
    with django_assert_max_num_queries(15):
        response = client.get(URL)
    assert len(response.context["failures"]) == 20
