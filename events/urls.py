from django.urls import path

from events import views

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_new, name="event_new"),
    path("<int:event_id>/", views.event_detail, name="event_detail"),
    path("<int:event_id>/litigation/", views.event_litigation, name="event_litigation"),
    path("triggers/", views.trigger_catalogue, name="trigger_catalogue"),
    path("triggers/<int:trigger_id>/", views.trigger_edit, name="trigger_edit"),
]
