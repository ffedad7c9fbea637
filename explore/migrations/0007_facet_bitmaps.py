"""Bitmaps that count facets without reading the matching rows (PostgreSQL only).

explore_facetbitmap holds one bit string per facet value ("maturity:pilot", "country:DE",
"area:3"), one for every listed solution ("all"), and one per common word, for the word
anywhere ("term:energi") and in the title ("title:energi"). Bit n is solution n. All bit
strings share one width, a multiple of 65,536, widened when a larger id arrives.

A row trigger on the search table sets and clears the bits in the same transaction as the
change, so the bitmaps are exact whenever they exist. Which words are common is decided
when they are rebuilt (explore_facet_bitmaps_rebuild); a word that became common since then
is counted from the rows until the next rebuild. With no "all" bitmap the trigger does
nothing: a bulk load empties the table first and rebuilds after.
"""

from django.db import migrations

from marketplace.migration_sql import postgres_only

FORWARD = """
CREATE TABLE explore_facetbitmap (
  key text PRIMARY KEY,
  bits bit varying NOT NULL
);
-- Stored uncompressed: a change rewrites one bit, and a count reads the whole string.
ALTER TABLE explore_facetbitmap ALTER COLUMN bits SET STORAGE EXTERNAL;

CREATE FUNCTION explore_facet_keys(entry explore_solutionsearchentry) RETURNS text[] AS $$
  SELECT ARRAY['all', 'maturity:' || entry.maturity, 'provider_kind:' || entry.provider_kind,
      'country:' || entry.provider_country, 'cost:' || entry.cost_band]
    || ARRAY(SELECT 'area:' || bit FROM generate_series(0, 62) AS bit
             WHERE entry.area_mask & (1::bigint << bit) <> 0)
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION explore_word_keys(entry explore_solutionsearchentry) RETURNS text[] AS $$
  SELECT ARRAY(SELECT 'term:' || lexeme FROM unnest(entry.search_vector))
    || ARRAY(SELECT 'title:' || lexeme FROM unnest(entry.title_vector))
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION explore_bits_of(width integer, positions integer[]) RETURNS bit varying AS $$
DECLARE
  flags integer[] := array_fill(0, ARRAY[width]);
  position integer;
BEGIN
  FOREACH position IN ARRAY coalesce(positions, '{}') LOOP
    flags[position + 1] := 1;
  END LOOP;
  RETURN array_to_string(flags, '')::bit varying;
END
$$ LANGUAGE plpgsql IMMUTABLE;

CREATE FUNCTION explore_facet_bitmaps_sync() RETURNS trigger AS $$
DECLARE
  width integer;
  position bigint;
  old_keys text[] := '{}';
  new_keys text[] := '{}';
BEGIN
  -- Listed changes already queue on the catalogue version row; this lock also keeps the
  -- common width steady while one of them widens it.
  SELECT length(bits) INTO width FROM explore_facetbitmap WHERE key = 'all' FOR UPDATE;
  IF width IS NULL THEN
    RETURN NULL;  -- not built
  END IF;
  IF TG_OP <> 'INSERT' THEN
    old_keys := explore_facet_keys(OLD) || explore_word_keys(OLD);
    position := OLD.solution_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_keys := explore_facet_keys(NEW) || explore_word_keys(NEW);
    position := NEW.solution_id;
  END IF;
  IF position >= width THEN
    width := (position / 65536 + 1) * 65536;
    UPDATE explore_facetbitmap SET bits = bits || repeat('0', width - length(bits))::bit varying;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    -- A facet value seen for the first time; words are counted only if already common.
    INSERT INTO explore_facetbitmap (key, bits)
    SELECT key, repeat('0', width)::bit varying FROM unnest(explore_facet_keys(NEW)) AS key
    ON CONFLICT (key) DO NOTHING;
  END IF;
  UPDATE explore_facetbitmap
  SET bits = set_bit(bits, position::integer, (key = ANY(new_keys))::integer)
  WHERE key = ANY(old_keys || new_keys) AND (key = ANY(old_keys)) <> (key = ANY(new_keys));
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER explore_facet_bitmaps_sync
  AFTER INSERT OR UPDATE OR DELETE ON explore_solutionsearchentry
  FOR EACH ROW EXECUTE FUNCTION explore_facet_bitmaps_sync();

-- Builds every bitmap afresh, tracking the words found in at least `minimum_solutions`
-- listed solutions (the `maximum_words` most frequent of them).
CREATE FUNCTION explore_facet_bitmaps_rebuild(minimum_solutions integer, maximum_words integer)
RETURNS void AS $$
DECLARE
  width integer;
BEGIN
  LOCK TABLE explore_solutionsearchentry IN SHARE MODE;  -- no changes while building
  SELECT (coalesce(max(solution_id), 0) / 65536 + 1) * 65536 INTO width
  FROM explore_solutionsearchentry;
  DELETE FROM explore_facetbitmap;
  INSERT INTO explore_facetbitmap (key, bits)
  WITH tracked AS (
    SELECT word FROM ts_stat('SELECT search_vector FROM explore_solutionsearchentry')
    WHERE ndoc >= minimum_solutions ORDER BY ndoc DESC, word LIMIT maximum_words
  ), members AS (
    SELECT key, entry.solution_id
    FROM explore_solutionsearchentry AS entry, unnest(explore_facet_keys(entry)) AS key
    UNION ALL
    SELECT 'term:' || word.lexeme, entry.solution_id
    FROM explore_solutionsearchentry AS entry
    CROSS JOIN LATERAL unnest(entry.search_vector) AS word
    JOIN tracked ON tracked.word = word.lexeme
    UNION ALL
    SELECT 'title:' || word.lexeme, entry.solution_id
    FROM explore_solutionsearchentry AS entry
    CROSS JOIN LATERAL unnest(entry.title_vector) AS word
    JOIN tracked ON tracked.word = word.lexeme
    UNION ALL  -- every tracked word has both bitmaps, and "all" exists, even when empty
    SELECT prefix || word, NULL FROM tracked, unnest(ARRAY['term:', 'title:']) AS prefix
    UNION ALL
    SELECT 'all', NULL
  )
  SELECT key, explore_bits_of(
    width, array_agg(solution_id::integer) FILTER (WHERE solution_id IS NOT NULL))
  FROM members GROUP BY key;
END
$$ LANGUAGE plpgsql;

-- Emptying the search table (as a test database's flush does) fires no row triggers.
CREATE FUNCTION explore_facet_bitmaps_reset() RETURNS trigger AS $$
BEGIN
  PERFORM explore_facet_bitmaps_rebuild(2000, 500);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER explore_facet_bitmaps_reset
  AFTER TRUNCATE ON explore_solutionsearchentry
  FOR EACH STATEMENT EXECUTE FUNCTION explore_facet_bitmaps_reset();

SELECT explore_facet_bitmaps_rebuild(2000, 500);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS explore_facet_bitmaps_reset ON explore_solutionsearchentry;
DROP FUNCTION IF EXISTS explore_facet_bitmaps_reset();
DROP TRIGGER IF EXISTS explore_facet_bitmaps_sync ON explore_solutionsearchentry;
DROP FUNCTION IF EXISTS explore_facet_bitmaps_sync();
DROP FUNCTION IF EXISTS explore_facet_bitmaps_rebuild(integer, integer);
DROP FUNCTION IF EXISTS explore_bits_of(integer, integer[]);
DROP FUNCTION IF EXISTS explore_word_keys(explore_solutionsearchentry);
DROP FUNCTION IF EXISTS explore_facet_keys(explore_solutionsearchentry);
DROP TABLE IF EXISTS explore_facetbitmap;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("explore", "0006_search_table"),
    ]

    operations = [
        postgres_only(FORWARD, BACKWARD),
    ]
