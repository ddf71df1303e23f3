"""Session feedback (included from training/urls.py under ``training/``)."""

from django.urls import path

from training import feedback_views

urlpatterns = [
    path(
        "sessions/<int:session_id>/feedback/",
        feedback_views.session_feedback,
        name="session_feedback",
    ),
    path("feedback/", feedback_views.feedback_summary_view, name="feedback_summary"),
]
