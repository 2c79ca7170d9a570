from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chanye.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from chanye.accounts import signals  # noqa: F401
