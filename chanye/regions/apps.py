from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "chanye.regions"
    label = "regions"
    verbose_name = "行政区划与园区"
