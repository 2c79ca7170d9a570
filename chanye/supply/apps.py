from django.apps import AppConfig


class SupplyConfig(AppConfig):
    name = "chanye.supply"
    label = "supply"
    verbose_name = "供应链（发票）"

    def ready(self) -> None:
        from chanye.core import hooks
        from chanye.core.imports import registry
        from chanye.supply import invoice_import, selectors

        hooks.invoice_purchases.register(selectors.invoice_purchases)

        registry.register_file_runner(
            "invoices",
            invoice_import.import_invoices,
            label="增值税发票明细（CSV / Excel / Parquet）",
        )
