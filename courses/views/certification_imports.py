"""Historical certifications import."""

from django.http import HttpRequest, HttpResponse


def certification_import(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def certification_import_template(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def certification_import_preview(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def certification_import_apply(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)


def certification_import_errors(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise NotImplementedError  # placeholder: being written (issue 4)
