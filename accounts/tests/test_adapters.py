from types import SimpleNamespace

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.adapters import MFAAdapter, SocialAccountAdapter
from accounts.models import User


def social_login_for(email: str):
    return SimpleNamespace(user=User(email=email))


def test_single_sign_on_admits_people_on_the_active_roster(cast):
    adapter = SocialAccountAdapter()
    assert adapter.is_open_for_signup(
        None, social_login_for(cast.clinician.email.upper())
    )


def test_single_sign_on_refuses_addresses_not_on_the_roster(cast):
    adapter = SocialAccountAdapter()
    assert not adapter.is_open_for_signup(
        None, social_login_for("visitor@elsewhere.test")
    )
    assert not adapter.is_open_for_signup(None, social_login_for(""))


def test_single_sign_on_refuses_people_who_have_left(cast):
    staff_member = cast.clinician.staff_member
    staff_member.is_active = False
    staff_member.save()
    assert not SocialAccountAdapter().is_open_for_signup(
        None, social_login_for(cast.clinician.email)
    )


def test_role_holders_cannot_delete_their_authenticator(cast):
    authenticator = Authenticator.objects.get(user=cast.supporter, type="totp")
    assert MFAAdapter().can_delete_authenticator(authenticator) is False


def test_a_clinician_may_remove_an_authenticator_they_chose_to_add(cast):
    authenticator = TOTP.activate(cast.clinician, generate_totp_secret()).instance
    assert MFAAdapter().can_delete_authenticator(authenticator) is True
