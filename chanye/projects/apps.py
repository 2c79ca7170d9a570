from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "chanye.projects"
    label = "projects"
    verbose_name = "项目"

    def ready(self) -> None:
        from chanye.projects import importers

        importers.register()
