"""Accounts: sign-up, e-mail confirmation, log in and out, password reset and change, and the
person's own account page.  Paths are Norwegian; the names are what templates use."""

from django.urls import path

from programme.views import accounts, two_factor

urlpatterns = [
    path("logg-inn/", accounts.LoginView.as_view(), name="login"),
    # The second step for staff with two-factor login: the code from the app.
    path("logg-inn/kode/", two_factor.login_code, name="login_code"),
    path("logg-ut/", accounts.LogoutView.as_view(), name="logout"),
    path("ny-konto/", accounts.signup, name="signup"),
    # Before the token pattern, which would otherwise take "send-igjen" for a token.
    path("bekreft-epost/send-igjen/", accounts.resend_verification, name="resend_verification"),
    path("bekreft-epost/<str:token>/", accounts.verify_email, name="verify_email"),
    path("konto/", accounts.account, name="account"),
    path("konto/passord/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("konto/tofaktor/", two_factor.setup, name="two_factor_setup"),
    path("konto/tofaktor/reservekoder/", two_factor.backup_codes, name="two_factor_backup_codes"),
    path("konto/tofaktor/nye-reservekoder/", two_factor.backup_codes_renew, name="two_factor_backup_codes_renew"),
    path("konto/tofaktor/slaa-av/", two_factor.disable, name="two_factor_disable"),
    path("glemt-passord/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("glemt-passord/sendt/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "nytt-passord/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("nytt-passord/ferdig/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
