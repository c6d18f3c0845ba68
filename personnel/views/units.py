"""Unit readiness."""

from django.http import HttpRequest, HttpResponse


def unit_readiness_list(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 5)


def unit_readiness(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 5)
