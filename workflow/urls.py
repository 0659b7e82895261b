from django.urls import path

from programme.views.home import home

app_name = "workflow"
urlpatterns = [
    path("", home, name="my_cases"),
]
