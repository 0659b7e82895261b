"""Accounts: sign-up, e-mail confirmation, log in and out, password reset and change, and the
person's own account page.  Paths are Norwegian; the names are what templates use."""

from django.urls import path

from programme.views import accounts

urlpatterns = [
    path("logg-inn/", accounts.LoginView.as_view(), name="login"),
    path("logg-ut/", accounts.LogoutView.as_view(), name="logout"),
    path("ny-konto/", accounts.signup, name="signup"),
    # Before the token pattern, which would otherwise take "send-igjen" for a token.
    path("bekreft-epost/send-igjen/", accounts.resend_verification, name="resend_verification"),
    path("bekreft-epost/<str:token>/", accounts.verify_email, name="verify_email"),
    path("konto/", accounts.account, name="account"),
    path("konto/passord/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("glemt-passord/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("glemt-passord/sendt/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "nytt-passord/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("nytt-passord/ferdig/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
