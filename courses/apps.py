from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and certification")

    def ready(self) -> None:
        from personnel.picker import register_picker_purpose
        from personnel.scope import register_people_visibility
        from personnel.selectors.register import register_profile_section

        from .forms.enrolment import ENROLLING, enrollable_people
        from .profile import CERTIFICATIONS, ENROLMENTS
        from .scope import instructor_trainees

        register_people_visibility("instructor trainees", instructor_trainees)
        register_profile_section(ENROLMENTS)
        register_profile_section(CERTIFICATIONS)
        register_picker_purpose(ENROLLING, enrollable_people)
