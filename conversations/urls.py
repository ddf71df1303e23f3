from django.urls import path

from conversations import views

urlpatterns = [
    path(
        "assignments/<int:offer_id>/conversations/",
        views.encounter_log,
        name="encounter_log",
    ),
    path(
        "assignments/<int:offer_id>/referrals/",
        views.facilitated_referral_make,
        name="facilitated_referral_make",
    ),
    path(
        "referrals/<int:referral_id>/outcome/",
        views.facilitated_referral_outcome,
        name="facilitated_referral_outcome",
    ),
    path("f/<str:token>/", views.referral_answer, name="referral_answer"),
    path("conversations/<int:encounter_id>/care/", views.care_check, name="care_check"),
    path("safety/", views.safety_concern, name="safety_concern"),
    path("care/", views.supporter_care, name="supporter_care"),
    path(
        "care/debriefs/<int:request_id>/handled/",
        views.debrief_handled,
        name="debrief_handled",
    ),
    path(
        "care/safety/<int:concern_id>/acknowledged/",
        views.safety_concern_acknowledged,
        name="safety_concern_acknowledged",
    ),
]
