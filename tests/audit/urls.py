"""The site's URLs with the audit trail at /audit/ (peacecentre/urls.py includes it too once
wired; then this adds nothing)."""

from django.urls import include, path

from peacecentre.urls import urlpatterns as site

wired = any(getattr(pattern, "namespace", None) == "audit" for pattern in site)
urlpatterns = [*site] if wired else [*site, path("audit/", include("audit.urls"))]
