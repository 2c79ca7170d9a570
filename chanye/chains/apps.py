from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "chanye.chains"
    label = "chains"
    verbose_name = "产业链与招商"

    def ready(self) -> None:
        from chanye.chains import finance, freshness, importers, services, target_import
        from chanye.core import hooks

        importers.register()
        freshness.register()
        target_import.register()
        hooks.pack_loaded.register(services.sync_from_pack)
        hooks.chain_node_names.register(services.active_link_names)
        hooks.chain_finance.register(finance.leader_chains)
        hooks.chain_links.register(services.link_catalogue)
        hooks.add_attraction_target.register(services.add_target_for)
