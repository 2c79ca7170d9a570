from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chanye.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from chanye.core import checks  # noqa: F401
