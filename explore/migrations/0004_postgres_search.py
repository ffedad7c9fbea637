"""Full-text and fuzzy search on PostgreSQL; other databases skip this migration's SQL.

A trigger keeps each row's weighted search vector current on every insert and update,
bulk writes included, so no query ever computes a vector.
"""

from django.db import migrations

SEARCH_CONFIG = "english"
SEARCHABLE_TABLES = ["explore_solution", "explore_knowledgeitem"]

FORWARD = """
CREATE OR REPLACE FUNCTION {table}_search_vector_update() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('{config}', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('{config}', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('{config}', coalesce(NEW.body, '')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_search_vector_trigger
  BEFORE INSERT OR UPDATE OF title, summary, body ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_search_vector_update();
UPDATE {table} SET title = title;
CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector);
CREATE INDEX {table}_title_trgm ON {table} USING gin (title gin_trgm_ops);
"""

BACKWARD = """
DROP INDEX IF EXISTS {table}_title_trgm;
DROP INDEX IF EXISTS {table}_search_gin;
DROP TRIGGER IF EXISTS {table}_search_vector_trigger ON {table};
DROP FUNCTION IF EXISTS {table}_search_vector_update();
"""


def _on_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def install(apps, schema_editor):
    if not _on_postgres(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in SEARCHABLE_TABLES:
        schema_editor.execute(FORWARD.format(table=table, config=SEARCH_CONFIG))


def uninstall(apps, schema_editor):
    if not _on_postgres(schema_editor):
        return
    for table in SEARCHABLE_TABLES:
        schema_editor.execute(BACKWARD.format(table=table))


class Migration(migrations.Migration):
    dependencies = [("explore", "0003_catalogue")]

    operations = [migrations.RunPython(install, uninstall)]
