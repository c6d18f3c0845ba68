"""The public verification page."""

from django.http import HttpRequest, HttpResponse


def verify_lookup(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def verify_certificate(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)
