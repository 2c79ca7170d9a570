from django.apps import AppConfig


class SupplyConfig(AppConfig):
    name = "chanye.supply"
    label = "supply"
    verbose_name = "供应链（发票）"

    def ready(self) -> None:
        from chanye.core import hooks
        from chanye.core.backup.common import register_tree
        from chanye.core.imports import registry
        from chanye.supply import invoice_import, selectors, store

        hooks.invoice_purchases.register(selectors.invoice_purchases)
        register_tree("invoices", store.root, "发票明细库")  # chanye backup carries the Parquet store

        registry.register_file_runner(
            "invoices",
            invoice_import.import_invoices,
            label="增值税发票明细（CSV / Excel / Parquet）",
        )
