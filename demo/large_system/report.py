"""How many rows each table holds, for the command's final table and the docs."""

from django.apps import apps

APPS = (
    "organization", "accounts", "training", "scope", "events", "outreach",
    "conversations", "surveys", "confidentiality", "api", "worker",
)  # fmt: skip


def table_counts() -> dict[str, int]:
    """{app.Model: rows} for the project's tables that hold anything."""
    counts = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            count = model._default_manager.count()
            if count:
                counts[model._meta.label] = count
    return counts
