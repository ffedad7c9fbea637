"""A narrow search table for solutions, and a catalogue version for exact caches.

On PostgreSQL a row trigger on explore_solution keeps explore_solutionsearchentry holding
exactly the published solutions (no pending edits), with the stored vector that trigger
0004 computes. Whenever a published solution is added, changed in any column or removed,
it files a new catalogue version, taken from a sequence. Other databases get the (empty)
tables only.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from marketplace.migration_sql import postgres_only

# The text search configuration is "english", as in migration 0004.
FORWARD = """
CREATE SEQUENCE explore_catalogue_version_seq;

CREATE FUNCTION explore_solution_search_sync() RETURNS trigger AS $$
DECLARE
  listed boolean := TG_OP <> 'DELETE'
    AND NEW.status = 'published' AND NEW.revision_of_id IS NULL;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
    RETURN NULL;  -- a save that changed nothing
  END IF;
  IF listed THEN
    INSERT INTO explore_solutionsearchentry AS entry (
      solution_id, search_vector, title_vector, title, maturity, provider_kind,
      provider_country, cost_band, area_mask, published_at)
    VALUES (
      NEW.id, NEW.search_vector,
      setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A'),
      NEW.title, NEW.maturity, NEW.provider_kind, NEW.provider_country, NEW.cost_band,
      NEW.area_mask, NEW.published_at)
    ON CONFLICT (solution_id) DO UPDATE SET
      search_vector = EXCLUDED.search_vector, title_vector = EXCLUDED.title_vector,
      title = EXCLUDED.title, maturity = EXCLUDED.maturity,
      provider_kind = EXCLUDED.provider_kind, provider_country = EXCLUDED.provider_country,
      cost_band = EXCLUDED.cost_band, area_mask = EXCLUDED.area_mask,
      published_at = EXCLUDED.published_at;
  ELSIF TG_OP <> 'INSERT' THEN
    DELETE FROM explore_solutionsearchentry WHERE solution_id = OLD.id;
    IF NOT FOUND THEN
      RETURN NULL;  -- it was not listed before either
    END IF;
  ELSE
    RETURN NULL;  -- a new draft
  END IF;
  INSERT INTO explore_catalogueversion (id, version)
  VALUES (1, nextval('explore_catalogue_version_seq'))
  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER explore_solution_search_sync
  AFTER INSERT OR UPDATE OR DELETE ON explore_solution
  FOR EACH ROW EXECUTE FUNCTION explore_solution_search_sync();

INSERT INTO explore_solutionsearchentry (
  solution_id, search_vector, title_vector, title, maturity, provider_kind,
  provider_country, cost_band, area_mask, published_at)
SELECT id, search_vector, setweight(to_tsvector('english', title), 'A'), title,
  maturity, provider_kind, provider_country, cost_band, area_mask, published_at
FROM explore_solution WHERE status = 'published' AND revision_of_id IS NULL;
-- A random start, so that a database created afresh does not reuse the versions (and
-- find the cached entries) of the one it replaces.
SELECT setval('explore_catalogue_version_seq', 1 + floor(random() * 1e12)::bigint);
INSERT INTO explore_catalogueversion (id, version)
VALUES (1, nextval('explore_catalogue_version_seq'));

CREATE INDEX explore_solutionsearchentry_gin
  ON explore_solutionsearchentry USING gin (search_vector);
CREATE INDEX explore_solutionsearchentry_title_gin
  ON explore_solutionsearchentry USING gin (title_vector);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS explore_solution_search_sync ON explore_solution;
DROP FUNCTION IF EXISTS explore_solution_search_sync();
DROP SEQUENCE IF EXISTS explore_catalogue_version_seq;
DROP INDEX IF EXISTS explore_solutionsearchentry_title_gin;
DROP INDEX IF EXISTS explore_solutionsearchentry_gin;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("explore", "0005_area_bits"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="SolutionSearchEntry",
            fields=[
                (
                    "solution",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="explore.solution",
                    ),
                ),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("title_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("title", models.CharField(max_length=200)),
                ("maturity", models.CharField(max_length=16)),
                ("provider_kind", models.CharField(blank=True, max_length=32)),
                ("provider_country", models.CharField(blank=True, max_length=2)),
                ("cost_band", models.CharField(max_length=16)),
                ("area_mask", models.BigIntegerField(default=0)),
                ("published_at", models.DateTimeField(null=True)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["-published_at", "-solution"], name="solution_search_newest"
                    ),
                    models.Index(fields=["title", "solution"], name="solution_search_title"),
                ],
            },
        ),
        postgres_only(FORWARD, BACKWARD),
    ]
