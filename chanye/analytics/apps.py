from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "chanye.analytics"
    label = "analytics"
    verbose_name = "统计汇总"
