"""The health check monitoring reads."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_read


@login_not_required
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For monitoring: 200 when the database and the broker answer, a worker ran beat's
    heartbeat within 10 minutes, no task has waited in the outbox too long and no report is
    stuck, else 503; each part's reading as JSON (no host names, versions or secrets).
    `?scope=web`, for the load balancer: the database only."""
    reading = health_read(web_only=request.GET.get("scope") == "web")
    return JsonResponse(reading.as_json(), status=200 if reading.ok else 503)
