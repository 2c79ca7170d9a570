from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "chanye.analytics"
    label = "analytics"
    verbose_name = "统计汇总"

    def ready(self) -> None:
        from chanye.analytics import benchmarks, services
        from chanye.core import hooks

        benchmarks.register()
        hooks.monthly_figures_changed.register(services.refresh_month_summaries)
