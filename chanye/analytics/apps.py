from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "chanye.analytics"
    label = "analytics"
    verbose_name = "统计汇总"

    def ready(self) -> None:
        from chanye.analytics import services
        from chanye.analytics.benchmarks import importer as benchmark_importer
        from chanye.core import hooks

        benchmark_importer.register()
        hooks.monthly_figures_changed.register(services.refresh_month_summaries)
