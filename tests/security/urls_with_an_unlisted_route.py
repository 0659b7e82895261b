"""The site's URLs plus one route the matrix does not know: proves the coverage test bites."""

from django.http import HttpResponse
from django.urls import path

from programme.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("ukjent/", lambda request: HttpResponse(), name="unlisted_route")]
