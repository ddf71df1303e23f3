from django.urls import path

from guide import views

urlpatterns = [
    path("", views.guide, name="guide"),
    path("card.pdf", views.guide_card, name="guide_card"),
    path("edit/", views.guide_edit, name="guide_edit"),
    path("edit/restore/", views.guide_restore, name="guide_restore"),
    path(
        "edit/stages/<int:stage_id>/", views.guide_stage_edit, name="guide_stage_edit"
    ),
    path(
        "edit/stages/<int:stage_id>/questions/",
        views.guide_question_add,
        name="guide_question_add",
    ),
    path(
        "edit/questions/<int:question_id>/",
        views.guide_question_edit,
        name="guide_question_edit",
    ),
    path(
        "edit/questions/<int:question_id>/move/",
        views.guide_question_move,
        name="guide_question_move",
    ),
    path(
        "edit/questions/<int:question_id>/remove/",
        views.guide_question_remove,
        name="guide_question_remove",
    ),
]
