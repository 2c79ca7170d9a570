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
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/active/", views.user_active, name="user_active"),
    path("users/<int:pk>/reset/", views.user_reset, name="user_reset"),
    path("users/<int:pk>/scope/", views.user_scope, name="user_scope"),
]
