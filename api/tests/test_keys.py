"""API keys: made once, stored hashed, revoked by the IT administrator."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from api.models import ApiKey
from api.services import api_key_create, api_key_find
from confidentiality.models import AuditAction, AuditEvent


def test_the_command_prints_a_key_once_and_stores_only_its_hash(db):
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "RL6", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("al_")
    assert len(key) > 40
    assert "will not be shown again" in err.getvalue()
    assert key not in err.getvalue()
    api_key = ApiKey.objects.get()
    assert api_key.source == "RL6"
    assert key.startswith(f"al_{api_key.prefix}_")
    assert api_key.key_hash == "sha256$" + hashlib.sha256(key.encode()).hexdigest()
    stored = [str(value) for value in ApiKey.objects.values_list().get()]
    assert not any(key in value or key.split("_", 2)[2] in value for value in stored)
    assert api_key_find(key) == api_key
    event = AuditEvent.objects.get(action=AuditAction.API_KEY_CREATED)
    assert event.details == {"source": "RL6", "prefix": api_key.prefix}


def test_the_command_refuses_an_empty_source(db):
    with pytest.raises(CommandError):
        call_command("create_api_key", "  ", stdout=StringIO(), stderr=StringIO())


def test_every_key_is_different(db):
    keys = {api_key_create(source="RL6")[1] for _ in range(5)}
    assert len(keys) == 5


def test_the_it_administrator_sees_the_keys_without_their_secrets(cast, client_for):
    api_key, key = api_key_create(source="RL6")
    response = client_for(cast.it).get(reverse("api_keys"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "RL6" in content and f"al_{api_key.prefix}_" in content
    assert key not in content
    assert "never" in content  # not used yet


def test_a_key_made_on_the_page_is_shown_once(cast, client_for):
    client = client_for(cast.it)
    response = client.post(reverse("api_keys"), {"source": "Incident system"})
    assert response.status_code == 200
    api_key = ApiKey.objects.get()
    assert api_key.created_by == cast.it
    key = response.context["plaintext"]
    assert key in response.content.decode()
    assert api_key_find(key) == api_key
    assert "no-store" in response["Cache-Control"]
    assert key not in client.get(reverse("api_keys")).content.decode()


def test_revoking_a_key_from_the_page_refuses_it_at_once(cast, client_for):
    api_key, key = api_key_create(source="RL6")
    client = client_for(cast.it)
    page = client.get(reverse("api_keys")).content.decode()
    assert "data-confirm" in page
    response = client.post(reverse("api_key_revoke", args=[api_key.pk]))
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_by == cast.it and api_key.revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.API_KEY_REVOKED).count() == 1
    assert "is revoked" in client.get(reverse("api_keys")).content.decode()
    refused = client_for(None).post(
        "/api/v1/events",
        "{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert refused.status_code == 401


def test_revoking_a_key_twice_says_so(cast, client_for):
    api_key, _ = api_key_create(source="RL6")
    client = client_for(cast.it)
    client.post(reverse("api_key_revoke", args=[api_key.pk]))
    response = client.post(reverse("api_key_revoke", args=[api_key.pk]), follow=True)
    assert "already revoked" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.API_KEY_REVOKED).count() == 1


@pytest.mark.parametrize(
    "viewer", ["director", "administrator", "supporter", "clinician", "leader", "risk"]
)
def test_only_it_sees_the_keys_page(cast, client_for, viewer):
    api_key, _ = api_key_create(source="RL6")
    client = client_for(getattr(cast, viewer))
    assert client.get(reverse("api_keys")).status_code == 404
    assert client.post(reverse("api_keys"), {"source": "X"}).status_code == 404
    revoke = client.post(reverse("api_key_revoke", args=[api_key.pk]))
    assert revoke.status_code == 404
    assert ApiKey.objects.count() == 1
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


def test_an_unknown_key_id_is_a_404_for_it_too(cast, client_for):
    response = client_for(cast.it).post(reverse("api_key_revoke", args=[999]))
    assert response.status_code == 404
