from django.apps import AppConfig


class IndustryConfig(AppConfig):
    name = "chanye.industry"
    label = "industry"
    verbose_name = "产业体系与政策包"
