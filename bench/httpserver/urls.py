"""zonedesk's URLs and the benchmark's limit: a view that returns a constant."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from zonedesk.urls import urlpatterns as product

CONSTANT = b"ok"


def constant(request):
    """The least a Django view can do, behind the same middleware as every page."""
    return HttpResponse(CONSTANT, content_type="text/plain")


@login_required
def constant_signed_in(request):
    """The least a page for a signed-in user does: the session and the user read, then a
    constant (every page and the dashboard pay these two queries first)."""
    return HttpResponse(CONSTANT, content_type="text/plain")


urlpatterns = [
    path("bench/constant/", constant, name="bench_constant"),
    path("bench/constant-signed-in/", constant_signed_in, name="bench_constant_signed_in"),
    *product,
]
