from django.urls import path

from courses.views import catalogue, scheduling
from courses.views import cohorts as cohort_views
from courses.views import enrolment as enrolment_views

app_name = "courses"

# Catalogue and cohort scheduling (courses/views/catalogue.py, views/scheduling.py).
urlpatterns: list = [
    path("catalogue/", catalogue.course_list, name="course_list"),
    path("catalogue/new/", catalogue.course_create_view, name="course_create"),
    path("catalogue/<int:pk>/", catalogue.course_detail, name="course_detail"),
    path("catalogue/<int:pk>/edit/", catalogue.course_update_view, name="course_update"),
    path("cohorts/", scheduling.cohort_list_view, name="cohort_list"),
    path("cohorts/new/", scheduling.cohort_create_view, name="cohort_create"),
    path("cohorts/suggest/", scheduling.cohort_suggest, name="cohort_suggest"),
    path("cohorts/<int:pk>/edit/", scheduling.cohort_update_view, name="cohort_update"),
    path("cohorts/<int:pk>/status/", scheduling.cohort_transition_view, name="cohort_transition"),
]

# Cohort page, roster exports and enrolment (courses/views/cohorts.py, views/enrolment.py).
urlpatterns += [
    path("cohorts/<int:pk>/", cohort_views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/roster.csv", cohort_views.cohort_roster_csv, name="cohort_roster_csv"),
    path(
        "cohorts/<int:pk>/roster.xlsx", cohort_views.cohort_roster_xlsx, name="cohort_roster_xlsx"
    ),
    path("cohorts/<int:pk>/enrol/person/", enrolment_views.enrol_person, name="enrol_person"),
    path("cohorts/<int:pk>/enrol/unit/", enrolment_views.enrol_unit, name="enrol_unit"),
    path("cohorts/<int:pk>/enrol/file/", enrolment_views.enrol_file, name="enrol_file"),
    path("cohorts/<int:pk>/enrol/apply/", enrolment_views.enrol_apply, name="enrol_apply"),
    path(
        "enrolments/<int:pk>/withdraw/",
        enrolment_views.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path("enrolments/<int:pk>/move/", enrolment_views.waitlist_move, name="waitlist_move"),
    path(
        "enrolments/<int:pk>/approve/",
        enrolment_views.nomination_approve,
        name="nomination_approve",
    ),
    path(
        "enrolments/<int:pk>/decline/",
        enrolment_views.nomination_decline,
        name="nomination_decline",
    ),
]
