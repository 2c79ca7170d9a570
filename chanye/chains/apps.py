from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "chanye.chains"
    label = "chains"
    verbose_name = "产业链与招商"

    def ready(self) -> None:
        from chanye.chains import importers, target_import

        importers.register()
        target_import.register()
