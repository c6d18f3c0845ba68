"""The certificate PDF."""

from django.http import HttpRequest, HttpResponse


def certification_pdf(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)
