from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "chanye.rewards"
    label = "rewards"
    verbose_name = "奖补兑现"
