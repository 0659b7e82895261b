"""The person's notifications (under ``/varsler/``)."""

from django.urls import path

from workflow.views import notifications

app_name = "notifications"
urlpatterns = [
    path("", notifications.notification_list, name="list"),
    path("<int:pk>/lest/", notifications.notification_read, name="read"),
    path("alle-lest/", notifications.notifications_read_all, name="read_all"),
]
