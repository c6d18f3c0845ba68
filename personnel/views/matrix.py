"""The readiness matrix, its exports, and the gender balance."""

from django.http import HttpRequest, HttpResponse


def readiness_matrix(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 5)


def readiness_matrix_export(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 5)


def gender_balance(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 5)


def person_readiness(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 5)
