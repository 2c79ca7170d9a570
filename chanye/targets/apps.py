from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "chanye.targets"
    label = "targets"
    verbose_name = "目标、指标与考核"

    def ready(self) -> None:
        from chanye.core import figure_uses
        from chanye.targets import figure_uses as uses
        from chanye.targets import freshness, hooks, park_land_import

        hooks.register()
        freshness.register()
        for use in uses.USES:
            figure_uses.register(use)
        park_land_import.register()
