from django.urls import include, path

from training import views

urlpatterns = [
    path("", views.training_overview, name="training_overview"),
    path("curriculum/", views.curriculum, name="curriculum"),
    path("curriculum/new/", views.training_module_edit, name="training_module_new"),
    path(
        "curriculum/<int:module_id>/",
        views.training_module_edit,
        name="training_module_edit",
    ),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path(
        "sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"
    ),
    path("sessions/<int:session_id>/enrol/", views.session_enrol, name="session_enrol"),
    path(
        "sessions/<int:session_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "enrolments/<int:enrolment_id>/withdraw/",
        views.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path("me/", views.my_training, name="my_training"),
    path("me/pause/", views.my_training_pause, name="my_training_pause"),
    path("me/resume/", views.my_training_resume, name="my_training_resume"),
    path(
        "supporters/<int:staff_member_id>/",
        views.supporter_training_record,
        name="supporter_training_record",
    ),
    path(
        "supporters/<int:staff_member_id>/sign-off/",
        views.competency_sign_off,
        name="competency_sign_off",
    ),
    path("", include("training.feedback_urls")),
]
