"""Checks the relay runs beside publishing, every REPORT_WATCHDOG_SECONDS. The outbox knows
none of them: an app above it registers its own in its AppConfig.ready() (the reports app:
re-queue the reports whose worker died)."""

from collections.abc import Callable

WATCHDOGS: dict[str, Callable[[], None]] = {}


def register_watchdog(name: str, check: Callable[[], None]) -> None:
    """Run `check` on each of the relay's watchdog rounds (registering a name again replaces
    its check)."""
    WATCHDOGS[name] = check


def run_watchdogs() -> None:
    for check in WATCHDOGS.values():
        check()
