from django.urls import path

from brief import views

urlpatterns = [
    path("", views.brief, name="brief"),
    path("brief.pdf", views.brief_pdf, name="brief_pdf"),
    path("evidence/", views.brief_evidence, name="brief_evidence"),
    path("evidence/new/", views.brief_evidence_new, name="brief_evidence_new"),
    path(
        "evidence/<int:finding_id>/",
        views.brief_evidence_edit,
        name="brief_evidence_edit",
    ),
    path(
        "evidence/<int:finding_id>/move/",
        views.brief_evidence_move,
        name="brief_evidence_move",
    ),
    path(
        "evidence/<int:finding_id>/retire/",
        views.brief_evidence_retire,
        name="brief_evidence_retire",
    ),
    path("assumptions/", views.brief_assumptions, name="brief_assumptions"),
    path(
        "assumptions/from-survey/",
        views.brief_assumptions_from_survey,
        name="brief_assumptions_from_survey",
    ),
]
