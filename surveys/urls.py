from django.urls import path

from surveys import respond_views, views
from surveys.dashboard_views import (
    survey_results,
    survey_results_csv,
    survey_results_pdf,
    survey_results_status,
    survey_results_xlsx,
    wave_summarize_now,
)

urlpatterns = [
    path("s/thanks/", respond_views.survey_thanks, name="survey_thanks"),
    path("s/<str:token>/", respond_views.survey_respond, name="survey_respond"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/instruments/", views.instruments, name="survey_instruments"),
    path("surveys/<slug:slug>/waves/new/", views.wave_new, name="wave_new"),
    path("surveys/waves/<int:wave_id>/edit/", views.wave_edit, name="wave_edit"),
    path("surveys/waves/<int:wave_id>/open/", views.wave_open, name="wave_open"),
    path("surveys/waves/<int:wave_id>/close/", views.wave_close, name="wave_close"),
    # The dashboard (surveys/dashboard_views.py): suppressed aggregates only.
    path("surveys/<slug:slug>/results/", survey_results, name="survey_results"),
    path(
        "surveys/<slug:slug>/results/status/",
        survey_results_status,
        name="survey_results_status",
    ),
    path(
        "surveys/<slug:slug>/results.csv", survey_results_csv, name="survey_results_csv"
    ),
    path(
        "surveys/<slug:slug>/results.xlsx",
        survey_results_xlsx,
        name="survey_results_xlsx",
    ),
    path(
        "surveys/<slug:slug>/results.pdf", survey_results_pdf, name="survey_results_pdf"
    ),
    path(
        "surveys/waves/<int:wave_id>/summarize/",
        wave_summarize_now,
        name="wave_summarize_now",
    ),
]
