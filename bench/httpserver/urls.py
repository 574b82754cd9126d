"""zonedesk's URLs and the benchmark's limit: a view that returns a constant."""

from django.http import HttpResponse
from django.urls import path

from zonedesk.urls import urlpatterns as product

CONSTANT = b"ok"


def constant(request):
    """The least a Django view can do, behind the same middleware as every page."""
    return HttpResponse(CONSTANT, content_type="text/plain")


urlpatterns = [path("bench/constant/", constant, name="bench_constant"), *product]
