from django.urls import path

from confidentiality import views

urlpatterns = [
    path("me/", views.my_record_view, name="my_record"),
    path("audit/", views.audit_log, name="audit_log"),
]
