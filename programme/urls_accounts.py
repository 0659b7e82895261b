"""Accounts: sign-up, e-mail verification, log in and out, password reset (stub; see issue 3)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from programme.views.home import home

urlpatterns = [
    path("logg-inn/", auth_views.LoginView.as_view(), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("ny-konto/", home, name="signup"),
]
