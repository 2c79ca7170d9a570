from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "chanye.supervision"
    label = "supervision"
    verbose_name = "任务督办"

    def ready(self) -> None:
        from chanye.core import hooks
        from chanye.supervision import liaison, services

        hooks.pack_loaded.register(services.sync_from_pack)
        hooks.pack_loaded.register(liaison.sync_from_pack)  # after the tasks: their departments exist (YY-ORG-1)
