from django.urls import path

from outreach import my_support_views, referral_views, views

urlpatterns = [
    path("my-support/", my_support_views.my_support, name="my_support"),
    path(
        "my-support/<int:offer_id>/withdraw/",
        my_support_views.my_request_withdraw,
        name="my_request_withdraw",
    ),
    path("outreach/", views.outreach_queue, name="outreach_queue"),
    path("outreach/<int:offer_id>/", views.offer_detail, name="offer_detail"),
    path(
        "outreach/<int:offer_id>/reassign/", views.offer_reassign, name="offer_reassign"
    ),
    path("outreach/<int:offer_id>/close/", views.offer_close, name="offer_close"),
    path("assignments/", views.my_assignments, name="my_assignments"),
    path(
        "assignments/<int:offer_id>/move/",
        views.assignment_move,
        name="assignment_move",
    ),
    path(
        "assignments/<int:offer_id>/first-message/",
        views.assignment_first_message,
        name="assignment_first_message",
    ),
    path("assignments/availability/", views.my_availability, name="my_availability"),
    path(
        "assignments/availability/<int:window_id>/remove/",
        views.on_call_window_remove,
        name="on_call_window_remove",
    ),
    path("o/<str:token>/", views.offer_answer, name="offer_answer"),
    path("support/refer/", referral_views.refer_colleague, name="refer_colleague"),
    path(
        "support/refer/<int:staff_member_id>/",
        referral_views.refer_colleague_confirm,
        name="refer_colleague_confirm",
    ),
    path("support/request/", referral_views.public_request, name="public_request"),
    path(
        "support/request/<str:token>/",
        referral_views.public_request_confirm,
        name="public_request_confirm",
    ),
]
