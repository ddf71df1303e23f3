"""Alongside's URLs and a bare view: the least a request through Django can cost."""

from django.http import HttpResponse
from django.urls import include, path

from alongside.urls import handler404, handler500  # noqa: F401 - the same error pages


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("alongside.urls")),
]
