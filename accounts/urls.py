from django.urls import path

from . import sign_in, views

app_name = "accounts"

urlpatterns = [
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("login/code/", sign_in.SecondFactorStepView.as_view(), name="sign-in-code"),
    path("login/enrol/", sign_in.EnrolmentStepView.as_view(), name="sign-in-enrol"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("security/", views.security, name="security"),
    path("language/", views.account_language, name="language"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
]
