"""A mail backend for the digest tests: refuses the first `failures` sends with an SMTP error,
as a mail server that is down would, then delivers to locmem's outbox."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    failures = 0  # set by the test
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
