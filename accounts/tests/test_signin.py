import time

from django.test import override_settings
from django.urls import reverse

from accounts.middleware import SIGNED_IN_AT
from accounts.models import Role, User
from alongside.testing.cast import make_staff_member, make_user
from alongside.testing.mfa import totp_code, totp_code_for_secret
from outbox.models import OutboundEmail

PASSWORD = "a-long-test-password"


def sign_in(client, user, password=PASSWORD):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": password}
    )


def test_a_clinician_signs_in_with_email_and_password(client, cast):
    response = sign_in(client, cast.clinician)
    assert response.status_code == 302
    assert client.get("/").context["user"] == cast.clinician


def test_signing_in_rotates_the_session(client, cast):
    client.get(reverse("account_login"))
    client.cookies["sessionid"] = "anonymous-session-key-to-be-replaced"
    before = client.session.session_key
    sign_in(client, cast.clinician)
    assert client.session.session_key != before


def test_a_wrong_password_is_refused_with_a_plain_message(client, cast):
    response = sign_in(client, cast.clinician, password="not-the-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_repeated_failures_lock_the_account_for_a_while(client, cast):
    for _ in range(5):
        sign_in(client, cast.clinician, password="guess")
    response = sign_in(client, cast.clinician)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_demo_password_is_refused_outside_demo_mode(client, org):
    user = make_user(org, password="placeholder")
    user.set_password("alongside-demo")
    user.save()
    sign_in(client, user, password="alongside-demo")
    assert "_auth_user_id" not in client.session
    with override_settings(DEMO_MODE=True):
        sign_in(client, user, password="alongside-demo")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_nobody_can_choose_the_demo_password(client, cast):
    client.force_login(cast.clinician)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "alongside-demo",
            "password2": "alongside-demo",
        },
    )
    assert "published with the demo" in response.content.decode()


def test_a_program_role_needs_a_second_factor_before_anything_else(client, org):
    supporter = make_user(org, roles=(Role.PEER_SUPPORTER,), mfa=False)
    sign_in(client, supporter)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("my_record")).status_code == 302


def test_setting_up_the_second_factor_lets_a_supporter_in(client, org):
    supporter = make_user(org, roles=(Role.PEER_SUPPORTER,), mfa=False)
    sign_in(client, supporter)
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code_for_secret(secret)}
    )
    assert response.status_code == 302
    assert supporter.authenticator_set.filter(type="totp").exists()
    assert supporter.authenticator_set.filter(type="recovery_codes").exists()
    assert client.get("/").status_code == 200


def test_a_clinician_without_a_role_is_not_asked_for_a_second_factor(client, cast):
    client.force_login(cast.clinician)
    assert client.get("/").status_code == 200


@override_settings(MFA_REQUIRED_FOR_PROGRAM_ROLES=False)
def test_demo_mode_does_not_ask_for_a_second_factor(client, org):
    client.force_login(make_user(org, roles=(Role.PEER_SUPPORTER,), mfa=False))
    assert client.get("/").status_code == 200


def test_signing_in_with_a_second_factor_asks_for_the_code(client, cast):
    response = sign_in(client, cast.director)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(cast.director)}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.director.pk)
    assert client.get("/").status_code == 200


def test_a_wrong_second_factor_code_is_refused(client, cast):
    sign_in(client, cast.director)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_people_with_a_role_cannot_remove_their_second_factor(client, cast):
    client.force_login(cast.director)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code in (302, 200)
    assert cast.director.authenticator_set.filter(type="totp").exists()


def test_a_session_ends_after_the_absolute_limit_however_active(client, cast, settings):
    client.force_login(cast.clinician)
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_a_session_expires_after_thirty_idle_minutes(client, cast):
    client.force_login(cast.clinician)
    client.get("/")
    assert client.session.get_expiry_age() == 30 * 60
    assert client.session.get_expire_at_browser_close()


def test_only_people_on_the_roster_can_set_up_an_account(client, cast):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "stranger@elsewhere.test",
            "password1": "a-good-long-pass",
            "password2": "a-good-long-pass",
        },
    )
    assert "find this address on the staff roster" in response.content.decode()
    assert not User.objects.filter(email="stranger@elsewhere.test").exists()


def test_setting_up_an_account_links_it_and_sends_a_verification_through_the_outbox(
    client, org
):
    staff_member = make_staff_member(org, work_email="new.person@hospital.test")
    client.post(
        reverse("account_signup"),
        {
            "email": "new.person@hospital.test",
            "password1": "a-good-long-pass",
            "password2": "a-good-long-pass",
        },
    )
    user = User.objects.get(email="new.person@hospital.test")
    assert user.staff_member == staff_member
    email = OutboundEmail.objects.get()
    assert email.recipient == "new.person@hospital.test"
    assert email.purpose == "email_confirmation_signup"
    assert "Confirm" in email.subject
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_waits_in_the_outbox_with_a_neutral_subject(client, cast):
    client.post(reverse("account_reset_password"), {"email": cast.clinician.email})
    email = OutboundEmail.objects.get()
    assert email.purpose == "password_reset_key"
    assert email.subject == "Alongside: Password Reset Email"
