"""Certifications: list, page, PDF, revoke and reissue."""

from django.http import HttpRequest, HttpResponse


def certification_list(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def certification_detail(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def certification_revoke(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def certification_reissue(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)
