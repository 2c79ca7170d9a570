from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "chanye.targets"
    label = "targets"
    verbose_name = "目标、指标与考核"

    def ready(self) -> None:
        from chanye.targets import hooks, park_land_import

        hooks.register()
        park_land_import.register()
