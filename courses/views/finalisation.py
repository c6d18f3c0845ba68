"""Finalising a cohort and reopening it."""

from django.http import HttpRequest, HttpResponse


def cohort_finalise(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def cohort_reopen(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)
