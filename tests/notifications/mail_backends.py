"""A mail backend for the tests: the in-memory one (mail.outbox), failing the way an SMTP
server does on the calls it is told to."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend

# Set by the tests: which send calls (counted from 1 since the last reset) fail.
state = {"calls": 0, "fail_on": set()}


def fail_on(*calls: int) -> None:
    state["calls"] = 0
    state["fail_on"] = set(calls)


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):
        state["calls"] += 1
        if state["calls"] in state["fail_on"]:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
