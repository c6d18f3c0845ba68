from django.urls import path

from courses.views import attendance as attendance_views
from courses.views import catalogue
from courses.views import certificates as certificate_views
from courses.views import certification_imports as certification_import_views
from courses.views import certifications as certification_views
from courses.views import cohorts as cohort_views
from courses.views import enrolment as enrolment_views
from courses.views import finalisation as finalisation_views
from courses.views import gradebook as gradebook_views

app_name = "courses"

# Catalogue and cohorts: list, scheduling, editing, status (courses/views/catalogue.py,
# views/cohorts.py).
urlpatterns: list = [
    path("catalogue/", catalogue.course_list, name="course_list"),
    path("catalogue/new/", catalogue.course_create_view, name="course_create"),
    path("catalogue/<int:pk>/", catalogue.course_detail, name="course_detail"),
    path("catalogue/<int:pk>/edit/", catalogue.course_update_view, name="course_update"),
    path("cohorts/", cohort_views.cohort_list_view, name="cohort_list"),
    path("cohorts/new/", cohort_views.cohort_create_view, name="cohort_create"),
    path("cohorts/suggest/", cohort_views.cohort_suggest, name="cohort_suggest"),
    path("cohorts/<int:pk>/edit/", cohort_views.cohort_update_view, name="cohort_update"),
    path("cohorts/<int:pk>/status/", cohort_views.cohort_transition_view, name="cohort_transition"),
]

# Cohort page, roster exports (courses/views/cohorts.py) and enrolment (views/enrolment.py).
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

# Attendance (courses/views/attendance.py), gradebook and a trainee's results
# (courses/views/gradebook.py).
urlpatterns += [
    path("cohorts/<int:pk>/attendance/", attendance_views.attendance, name="attendance"),
    path("cohorts/<int:pk>/gradebook/", gradebook_views.gradebook, name="gradebook"),
    path(
        "enrolments/<int:pk>/results/", gradebook_views.enrolment_results, name="enrolment_results"
    ),
]

# Finalisation and reopening (courses/views/finalisation.py).
urlpatterns += [
    path("cohorts/<int:pk>/finalise/", finalisation_views.cohort_finalise, name="cohort_finalise"),
    path("cohorts/<int:pk>/reopen/", finalisation_views.cohort_reopen, name="cohort_reopen"),
]

# Certifications: list, page, revoke and reissue (courses/views/certifications.py); the
# certificate PDF (courses/views/certificates.py).
urlpatterns += [
    path("certifications/", certification_views.certification_list, name="certification_list"),
    path(
        "certifications/<int:pk>/",
        certification_views.certification_detail,
        name="certification_detail",
    ),
    path(
        "certifications/<int:pk>/certificate.pdf",
        certificate_views.certification_pdf,
        name="certification_pdf",
    ),
    path(
        "certifications/<int:pk>/revoke/",
        certification_views.certification_revoke,
        name="certification_revoke",
    ),
    path(
        "certifications/<int:pk>/reissue/",
        certification_views.certification_reissue,
        name="certification_reissue",
    ),
]

# Historical certifications import (courses/views/certification_imports.py).
urlpatterns += certification_import_views.CERTIFICATION_PAGES.urlpatterns("certifications/import/")
