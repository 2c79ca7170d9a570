from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "chanye.projects"
    label = "projects"
    verbose_name = "项目"

    def ready(self) -> None:
        from chanye.core import hooks, indicators
        from chanye.projects import freshness, importers, milestone_import, selectors, services
        from chanye.projects import indicators as project_indicators
        from chanye.projects import selectors as project_selectors

        hooks.tier_projects.register(project_selectors.tier_projects)  # YY-P-1 梯队名单
        hooks.map_projects.register(project_selectors.map_projects)  # 区县地图 (issue 15)
        importers.register()
        freshness.register()
        milestone_import.register()
        indicators.register(*project_indicators.INDICATORS)
        indicators.register_provider(project_indicators.PROVIDER)
        hooks.producing_enterprises.register(services.producing_enterprises)
        hooks.cluster_projects.register(selectors.cluster_projects)  # YY-M-1 monitoring catalogue
