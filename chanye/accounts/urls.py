from django.contrib.auth import views as auth_views
from django.urls import path

from chanye.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/unlock/", views.unlock, name="unlock"),
]
