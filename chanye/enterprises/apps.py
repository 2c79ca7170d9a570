from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "chanye.enterprises"
    label = "enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from chanye.enterprises import importers

        importers.register()
