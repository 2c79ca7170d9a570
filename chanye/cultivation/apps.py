from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "chanye.cultivation"
    label = "cultivation"
    verbose_name = "企业培育与预警"

    def ready(self) -> None:
        from chanye.core import figure_uses, indicators
        from chanye.cultivation import figure_uses as uses
        from chanye.cultivation import indicators as catalogue
        from chanye.cultivation import leader_indicators, pool_indicators

        indicators.register(*catalogue.INDICATORS)
        indicators.register_provider(leader_indicators.PROVIDER)
        indicators.register_provider(pool_indicators.PROVIDER)
        for use in uses.USES:
            figure_uses.register(use)
        from chanye.core import hooks
        from chanye.cultivation.selectors import enterprise_support, listed_leaders, reward_claims

        hooks.enterprise_support.register(enterprise_support)
        hooks.reward_claims.register(reward_claims)
        hooks.chain_leaders.register(listed_leaders)
