from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    """Who is ready to deploy: requirement profiles and the engine that checks people against
    them, missions, contingents and deployments, unit assessments, gender targets and the
    readiness pages. Above personnel and courses: it reads both."""

    name = "readiness"
    verbose_name = _("Readiness and deployments")

    def ready(self) -> None:
        from courses.services.enrolment import register_eligibility_check
        from personnel.picker import register_picker_purpose
        from personnel.selectors.register import register_profile_section

        from .enrolment import tours_over_cohort
        from .forms.deployments import PLANNING, plannable_people
        from .profile import DEPLOYMENTS

        register_profile_section(DEPLOYMENTS)
        register_picker_purpose(PLANNING, plannable_people)
        # Enrolment refuses people on a tour over the cohort's dates, and warns of departures.
        register_eligibility_check("readiness.tours", tours_over_cohort)
