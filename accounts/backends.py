from django.conf import settings
from django.core.exceptions import PermissionDenied


class DemoPasswordGuardBackend:
    """Refuses the published demo password everywhere except in demo mode.

    Listed first in AUTHENTICATION_BACKENDS: raising PermissionDenied stops
    Django from asking any other backend, so a demo account copied into a
    real deployment cannot be signed in to. It has no get_user(): it never
    signs anyone in, so sessions always name the backend that did.
    """

    def authenticate(self, request, password=None, **credentials):
        if password == settings.DEMO_PASSWORD and not settings.DEMO_MODE:
            raise PermissionDenied
        return None
