"""The signed-in user's reminders in other pages: the home page's list of what is due soon
and the navigation's badge. `{% load reminders %}`."""

from django import template
from django.utils import timezone

from notifications import selectors, wording

register = template.Library()


@register.simple_tag
def reminders_due_soon(user) -> list[dict]:
    """At most five of `user`'s reminders due within 90 days, each with its sentence and a
    link to a page `user` may open (or none): `{% reminders_due_soon request.user as due %}`.
    Six queries at most."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    due = selectors.reminders_due_soon(user=user, today=today)
    links = selectors.reminder_links(user=user, reminders=due)
    return [
        {"reminder": r, "text": wording.sentence(r, today=today), "url": links[r.pk]} for r in due
    ]


@register.simple_tag
def reminder_count(user) -> int:
    """How many of `user`'s reminders are not mailed yet or came in the last seven days, for
    a badge: `{% reminder_count request.user as n %}`. One query."""
    return selectors.reminder_badge_count(user=user)
