from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "chanye.cultivation"
    label = "cultivation"
    verbose_name = "企业培育与预警"

    def ready(self) -> None:
        from chanye.core import indicators
        from chanye.cultivation import duties
        from chanye.cultivation import indicators as leader_indicators

        indicators.register(*leader_indicators.INDICATORS)
        indicators.register_provider(duties.PROVIDER)
