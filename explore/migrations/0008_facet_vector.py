"""Facet tokens in the search table, indexed with GIN (PostgreSQL only).

A search for a common word with facet choices otherwise reads every row with the word
(8,444 title matches for "energy" at 100,000 solutions) to keep the few that pass the
choices (313). With the choices as tokens of an indexed vector, PostgreSQL combines the two
index scans and reads only the rows that pass. A BEFORE trigger on the search table fills
the vector from the row's own facet columns; the facet bitmaps do not depend on it, so
their trigger is left out while the existing rows are filled.
"""

import django.contrib.postgres.search
from django.db import migrations

from marketplace.migration_sql import postgres_only

FORWARD = """
CREATE FUNCTION explore_facet_vector(entry explore_solutionsearchentry) RETURNS tsvector AS $$
  SELECT array_to_tsvector(
    ARRAY['maturity=' || entry.maturity, 'provider_kind=' || entry.provider_kind,
      'country=' || entry.provider_country, 'cost=' || entry.cost_band]
    || ARRAY(SELECT 'area=' || bit FROM generate_series(0, 62) AS bit
             WHERE entry.area_mask & (1::bigint << bit) <> 0))
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION explore_facet_vector_fill() RETURNS trigger AS $$
BEGIN
  NEW.facet_vector := explore_facet_vector(NEW);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER explore_facet_vector_fill
  BEFORE INSERT OR UPDATE ON explore_solutionsearchentry
  FOR EACH ROW EXECUTE FUNCTION explore_facet_vector_fill();

ALTER TABLE explore_solutionsearchentry DISABLE TRIGGER explore_facet_bitmaps_sync;
UPDATE explore_solutionsearchentry SET facet_vector = NULL;  -- the trigger fills it
ALTER TABLE explore_solutionsearchentry ENABLE TRIGGER explore_facet_bitmaps_sync;

CREATE INDEX explore_solutionsearchentry_facet_gin
  ON explore_solutionsearchentry USING gin (facet_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS explore_solutionsearchentry_facet_gin;
DROP TRIGGER IF EXISTS explore_facet_vector_fill ON explore_solutionsearchentry;
DROP FUNCTION IF EXISTS explore_facet_vector_fill();
DROP FUNCTION IF EXISTS explore_facet_vector(explore_solutionsearchentry);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("explore", "0007_facet_bitmaps"),
    ]

    operations = [
        migrations.AddField(
            model_name="solutionsearchentry",
            name="facet_vector",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
        postgres_only(FORWARD, BACKWARD),
    ]
