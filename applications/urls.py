from django.urls import path

from programme.views.home import home

app_name = "applications"
urlpatterns = [
    path("", home, name="companies"),
]
