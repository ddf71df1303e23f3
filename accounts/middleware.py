"""Session limits, the second-factor requirement, and no caching of signed-in pages."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from confidentiality import policy

SIGNED_IN_AT = "alongside_signed_in_at"
MFA_ENROLLED = "alongside_mfa_enrolled"


class SessionTimeoutMiddleware:
    """Ends a session a fixed time after sign-in, however active it has been.

    Inactivity is handled by the session itself (SESSION_COOKIE_AGE, saved on
    every request); this adds the absolute limit a shared workstation needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            now = int(time.time())
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    "For your privacy you were signed out. Please sign in again.",
                )
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class RequireMFAForProgramRolesMiddleware:
    """Anyone holding a program role must set up an authenticator app before going on."""

    ALWAYS_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            messages.info(
                request,
                "Your role in the program needs a second sign-in step. "
                "Set up an authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        if not settings.MFA_REQUIRED_FOR_PROGRAM_ROLES:
            return False
        if not request.user.is_authenticated:
            return False
        if request.path.startswith(self.ALWAYS_ALLOWED_PREFIXES):
            return False
        if request.session.get(MFA_ENROLLED):
            return False
        if not policy.roles_of(request.user):
            return False
        enrolled = Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists()
        if enrolled:
            request.session[MFA_ENROLLED] = True
        return not enrolled


class NoStoreForSignedInMiddleware:
    """Pages for signed-in people must not linger in a browser or proxy cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
