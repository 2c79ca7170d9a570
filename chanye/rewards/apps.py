from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "chanye.rewards"
    label = "rewards"
    verbose_name = "奖补兑现"

    def ready(self) -> None:
        from chanye.rewards import importers

        importers.register()
