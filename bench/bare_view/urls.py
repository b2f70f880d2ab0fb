"""All of the app's URLs plus `/bare/`: the cheapest response Django can give through
the same middleware, the yardstick for the workspace page's throughput."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bare/", bare, name="bench_bare"), *app_urlpatterns]
