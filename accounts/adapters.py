"""How django-allauth fits Alongside: accounts belong to people on the roster,
and every message goes through the outbox."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms

from accounts.services import MFA_SECRET_CONTEXT, user_link_to_roster
from confidentiality import crypto, policy
from organization.models import StaffMember
from outbox.services import email_queue

NOT_ON_ROSTER = (
    "We couldn't find this address on the staff roster. Use your work e-mail address; "
    "if it is right, the program administrator can check the roster."
)


def on_roster(email: str) -> bool:
    return StaffMember.objects.filter(work_email__iexact=email, is_active=True).exists()


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email).lower()
        if not on_roster(email):
            raise forms.ValidationError(NOT_ON_ROSTER)
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_link_to_roster(user=user)
        return user

    def login(self, request, user):
        super().login(request, user)
        if user.staff_member_id is None:
            user_link_to_roster(user=user)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's message as usual, then queue it instead of sending it."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
        }
        full_context.update(context)
        message = self.render_mail(template_prefix, email, full_context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        email_queue(
            recipient=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            purpose=template_prefix.rsplit("/", 1)[-1],
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on: the identity provider vouches for the address; the roster decides."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = (sociallogin.user.email or "").lower()
        return bool(email) and on_roster(email)

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        user_link_to_roster(user=user)
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets are encrypted with the field keys, not stored in the clear."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text, context=MFA_SECRET_CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, context=MFA_SECRET_CONTEXT)

    def can_delete_authenticator(self, authenticator) -> bool:
        """People who hold a program role keep their second factor."""
        return not policy.roles_of(authenticator.user)
