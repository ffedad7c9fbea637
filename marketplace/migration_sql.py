"""SQL that only PostgreSQL runs (triggers, functions, GIN indexes), as a migration step.

Other databases skip it: they keep the tables that the migrations' model operations create
and get the portable behaviour.
"""

from django.db import migrations


def postgres_only(forward: str, backward: str) -> migrations.RunPython:
    return migrations.RunPython(_on_postgres(forward), _on_postgres(backward))


def _on_postgres(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
