from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "chanye.cultivation"
    label = "cultivation"
    verbose_name = "企业培育与预警"
