from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from home.selectors import home_panels_for
from program.selectors import program_settings
from worker.models import WorkerHeartbeat
from worker.selectors import HEARTBEAT_STALE_AFTER


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home/welcome.html")
    panels = home_panels_for(request.user)
    return render(request, "home/home.html", {"panels": panels})


def privacy(request):
    return render(
        request,
        "home/privacy.html",
        {"case_retention_days": program_settings().case_retention_days},
    )


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring.

    503 when the database does not answer. The worker's state is reported in
    the body; with ``?strict=1`` (for monitoring, not load balancers) a
    missing worker also answers 503.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        heartbeat = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).first()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"database": "unavailable"}, status=503)
    worker_ok = bool(
        heartbeat and timezone.now() - heartbeat.last_seen_at < HEARTBEAT_STALE_AFTER
    )
    return JsonResponse(
        {"database": "ok", "worker": "ok" if worker_ok else "not running"},
        status=200 if worker_ok or not request.GET.get("strict") else 503,
    )


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
