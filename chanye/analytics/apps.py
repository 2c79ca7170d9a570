from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "chanye.analytics"
    label = "analytics"
    verbose_name = "统计汇总"

    def ready(self) -> None:
        from chanye.analytics import figure_uses as uses
        from chanye.analytics import freshness, services
        from chanye.analytics.benchmarks import importer as benchmark_importer
        from chanye.core import figure_uses, hooks

        benchmark_importer.register()
        freshness.register()
        for use in uses.USES:
            figure_uses.register(use)
        hooks.monthly_figures_changed.register(services.refresh_month_summaries)
