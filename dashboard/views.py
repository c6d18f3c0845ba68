"""The home page: what each signed-in user sees first, one section per role they hold."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home: one section per role they hold."""
    return render(request, "dashboard/home.html", selectors.home_for(request.user))
