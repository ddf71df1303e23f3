from django.urls import path

from selection import views

urlpatterns = [
    path("selection/", views.selection_overview, name="selection"),
    path(
        "selection/rounds/new/", views.nomination_round_new, name="nomination_round_new"
    ),
    path(
        "selection/rounds/<int:round_id>/",
        views.nomination_round_detail,
        name="nomination_round_detail",
    ),
    path(
        "selection/rounds/<int:round_id>/close/",
        views.nomination_round_close,
        name="nomination_round_close",
    ),
    path(
        "selection/candidates/<int:candidate_id>/",
        views.candidate_detail,
        name="candidate_detail",
    ),
    path("selection/coverage/", views.supporter_coverage, name="supporter_coverage"),
    path("nominate/", views.nominate, name="nominate"),
    path(
        "nominate/<int:staff_member_id>/", views.nominate_person, name="nominate_person"
    ),
    path(
        "nominate/withdraw/<int:nomination_id>/",
        views.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path("apply/", views.supporter_apply, name="supporter_apply"),
    path("invitation/<str:token>/", views.invitation_answer, name="invitation_answer"),
]
