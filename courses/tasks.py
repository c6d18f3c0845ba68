"""The courses app's Celery tasks: thin, given ids, calling a service. Task names never change
once released: queued messages carry them."""

from smtplib import SMTPException

from celery import shared_task

from courses.services.enrolment import enrolment_promotion_notify


@shared_task(
    name="courses.send_waitlist_promotion",
    time_limit=60,
    soft_time_limit=45,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_waitlist_promotion(enrolment_id: int) -> bool:
    """Tell a trainee promoted from the waitlist that they have a seat; sends at most once."""
    return enrolment_promotion_notify(enrolment_id=enrolment_id)
