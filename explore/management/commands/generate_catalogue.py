"""Fill the catalogue with synthetic published solutions (and knowledge items) for scale work.

Text is assembled from the word lists in `explore/demo_data/generator_words.json`, so full-text
search meets both very common terms and a few rare words that occur in only a handful of rows.
Slugs read `gen-<seed>-<n>-<title>` and continue after the highest `n` already used for that
seed, so a second run adds rows instead of colliding. Rows go in with `bulk_create`, one
transaction per batch, and no query runs per row; on PostgreSQL triggers fill the search
vectors (migration 0004) and the narrow search table (migration 0006).
"""

import argparse
import json
import math
import random
import time
from datetime import timedelta

from django.core.management import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation
from explore import demo
from explore.bitmaps import facet_bitmaps_drop, facet_bitmaps_rebuild
from explore.models import (
    Area,
    City,
    CostBand,
    KnowledgeItem,
    Maturity,
    PublicationStatus,
    Solution,
    Tag,
)

WORDS_FILE = demo.DATA_DIR / "generator_words.json"
PROVIDER_COUNT = 300
RARE_ROWS_PER_WORD = 3
PUBLISHED_WITHIN_DAYS = 3 * 365
UNKNOWN_COST_SHARE = 0.08
SUMMARY_LIMIT = 500
TAG_NAMES = [
    "Energy efficiency", "Open data", "E-mobility", "Heat pumps", "Solar", "Sensors", "Retrofit",
    "Public transport", "Participation", "Procurement", "Air quality", "Interoperability",
    "Climate adaptation", "Digital twin", "Cycling", "Energy communities",
]  # fmt: skip
MATURITY_WEIGHTS = {
    Maturity.IDEA: 10,
    Maturity.PILOT: 30,
    Maturity.DEMONSTRATED: 35,
    Maturity.AT_SCALE: 25,
}
PROVIDER_KIND_WEIGHTS = {
    Organisation.Kind.COMPANY: 35,
    Organisation.Kind.SME: 38,
    Organisation.Kind.RESEARCH: 15,
    Organisation.Kind.CITY: 7,
    Organisation.Kind.NGO: 5,
}
KNOWLEDGE_KIND_WEIGHTS = {
    KnowledgeItem.Kind.NEWS: 35,
    KnowledgeItem.Kind.INSIGHT: 20,
    KnowledgeItem.Kind.STORY: 15,
    KnowledgeItem.Kind.GUIDANCE: 15,
    KnowledgeItem.Kind.EVENT: 15,
}


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _not_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class Command(BaseCommand):
    help = "Generate synthetic published solutions and knowledge items for scale and search work."

    def add_arguments(self, parser):
        parser.add_argument("--solutions", type=_not_negative, default=1000)
        parser.add_argument("--knowledge", type=_not_negative, default=0)
        parser.add_argument("--seed", type=_not_negative, default=1, help="Same seed, same text.")
        parser.add_argument("--batch-size", type=_positive, default=2000)

    def handle(self, *args, solutions, knowledge, seed, batch_size, **options):
        started = time.monotonic()
        areas = list(Area.objects.order_by("pk"))
        if not areas:
            raise CommandError("No areas found: run `manage.py migrate` first.")
        # The demo's cities are real places; generated rows are deployed among them.
        cities = list(City.objects.order_by("pk")) or list(demo.cities_load().values())
        with open(WORDS_FILE, encoding="utf-8") as file:
            words = json.load(file)
        faker = CatalogueFaker(
            rng=random.Random(seed),  # noqa: S311 - synthetic text, reproducible from --seed
            words=words,
            areas=areas,
            cities=cities,
            providers=_providers_ensure(words),
            tags=_tags_ensure(),
        )
        prefix = f"gen-{seed}-"
        if solutions:
            faker.plan_rare_words(solutions)
            facet_bitmaps_drop()  # kept row by row they would slow the load; built once after
            self._insert(
                model=Solution,
                build=faker.solution,
                first=_next_number(Solution, prefix),
                total=solutions,
                prefix=prefix,
                batch_size=batch_size,
                label="solutions",
            )
        if knowledge:
            self._insert(
                model=KnowledgeItem,
                build=faker.knowledge_item,
                first=_next_number(KnowledgeItem, prefix),
                total=knowledge,
                prefix=prefix,
                batch_size=batch_size,
                label="knowledge items",
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {solutions} solutions and {knowledge} knowledge items in {elapsed:.1f}s."
            )
        )
        if solutions:
            started = time.monotonic()
            facet_bitmaps_rebuild()
            elapsed = time.monotonic() - started
            self.stdout.write(f"Built the facet bitmaps in {elapsed:.1f}s.")
        if faker.rare_rows:
            self.stdout.write(
                f"Rare words, each in at most {RARE_ROWS_PER_WORD} of the new solutions: "
                + ", ".join(sorted(set(faker.rare_rows.values())))
            )

    def _insert(self, *, model, build, first, total, prefix, batch_size, label):
        """Insert `total` rows built by `build(index, slug_prefix)` with their M2M links.

        `build` returns the unsaved row and, per M2M field name, the ids to link it to.
        Each batch commits on its own, so an interrupted run leaves whole rows only.
        """
        progress = ProgressBar(self.stdout, total=total, label=label)
        done = 0
        while done < total:
            built = [
                build(index, f"{prefix}{first + index}-")
                for index in range(done, min(done + batch_size, total))
            ]
            with transaction.atomic():
                rows = model.objects.bulk_create(
                    [row for row, _links in built], batch_size=batch_size
                )
                for relation in built[0][1]:
                    targets = [links[relation] for _row, links in built]
                    _link(model, relation, rows, targets, batch_size=batch_size)
            done += len(built)
            progress.update(done)
        progress.finish()


def _link(model, relation: str, rows, target_ids: list[list[int]], *, batch_size: int) -> None:
    field = model._meta.get_field(relation)
    through = field.remote_field.through
    source = f"{field.m2m_field_name()}_id"
    target = f"{field.m2m_reverse_field_name()}_id"
    links = [
        through(**{source: row.pk, target: target_id})
        for row, ids in zip(rows, target_ids, strict=True)
        for target_id in ids
    ]
    through.objects.bulk_create(links, batch_size=batch_size)


def _next_number(model: type[models.Model], prefix: str) -> int:
    # Rows are inserted in the order of their numbers, so the newest holds the highest.
    latest = (
        model.objects.filter(slug__startswith=prefix)
        .order_by("-pk")
        .values_list("slug", flat=True)
        .first()
    )
    return int(latest.removeprefix(prefix).split("-", 1)[0]) + 1 if latest else 1


def _providers_ensure(words) -> list[Organisation]:
    """A fixed set of a few hundred provider organisations, created once and then reused."""
    slugs = [f"gen-provider-{number:03d}" for number in range(1, PROVIDER_COUNT + 1)]
    existing = Organisation.objects.in_bulk(slugs, field_name="slug")
    Organisation.objects.bulk_create(
        _fake_organisation(slug, words) for slug in slugs if slug not in existing
    )
    return list(Organisation.objects.filter(slug__in=slugs).order_by("slug"))


def _fake_organisation(slug: str, words) -> Organisation:
    # Seeded by the slug, so the same organisation comes out whatever --seed says.
    rng = random.Random(slug)  # noqa: S311 - synthetic data
    kind = _weighted(rng, PROVIDER_KIND_WEIGHTS)
    if kind == Organisation.Kind.CITY:
        name = f"City of {rng.choice(words['towns'])}"
    else:
        name = f"{rng.choice(words['organisation_roots'])} "
        name += rng.choice(words["organisation_suffixes"][kind])
    return Organisation(
        slug=slug, name=name, kind=kind, country=rng.choice(words["countries"]), verified=True
    )


def _tags_ensure() -> list[Tag]:
    tags = [Tag(name=name, slug=slugify(name)) for name in TAG_NAMES]
    Tag.objects.bulk_create(tags, ignore_conflicts=True)
    return list(Tag.objects.filter(slug__in=[tag.slug for tag in tags]))


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _round_money(euros: float) -> int:
    """Two significant figures, as people quote costs."""
    step = 10 ** max(int(math.log10(euros)) - 1, 0)
    return int(round(euros / step) * step)


class CatalogueFaker:
    """Builds unsaved rows with plausible text and facets; all randomness comes from `rng`."""

    def __init__(self, *, rng, words, areas, cities, providers, tags):
        self.rng = rng
        self.words = words
        self.areas = areas
        self.area_ids_by_slug = {area.slug: area.pk for area in areas}
        self.area_bits = {area.pk: area.bit for area in areas}
        # Only areas the word lists know how to write about (curators may add others).
        self.area_slugs = sorted(set(self.area_ids_by_slug) & set(words["things_by_area"]))
        if not self.area_slugs:
            raise CommandError("None of the areas has words in generator_words.json.")
        self.city_ids = [city.pk for city in cities]
        self.city_names = [city.name for city in cities]
        # The denormalised facet values, read once instead of per row.
        self.providers = [(org, org.kind, org.country.code) for org in providers]
        self.tag_ids = [tag.pk for tag in tags]
        self.now = timezone.now()
        self.rare_rows: dict[int, str] = {}

    def plan_rare_words(self, total: int) -> None:
        """Pick the few rows that will carry each rare word."""
        rare = self.words["rare_words"]
        chosen = self.rng.sample(range(total), min(total, len(rare) * RARE_ROWS_PER_WORD))
        self.rare_rows = {row: rare[i // RARE_ROWS_PER_WORD] for i, row in enumerate(chosen)}

    def solution(self, index: int, slug_prefix: str) -> tuple[Solution, dict[str, list[int]]]:
        rng = self.rng
        fills, area_ids = self._fills()
        title = self._title(fills)
        provider, kind, country = rng.choice(self.providers)
        if rng.random() < UNKNOWN_COST_SHARE:
            cost_min = cost_max = None
        else:
            cost_min = _round_money(10 ** rng.uniform(3.7, 7.4))
            cost_max = max(cost_min, _round_money(cost_min * rng.uniform(1.2, 4.0)))
        body = self._body(fills, rare=self.rare_rows.get(index))
        row = Solution(
            slug=(slug_prefix + slugify(title))[:220].rstrip("-"),
            title=title,
            summary=self._summary(fills),
            body=body,
            replication_notes=rng.choice(self.words["replication_templates"]).format(**fills),
            status=PublicationStatus.PUBLISHED,
            published_at=self._published_at(),
            maturity=_weighted(rng, MATURITY_WEIGHTS),
            cost_min_eur=cost_min,
            cost_max_eur=cost_max,
            cost_band=CostBand.for_amount(cost_min),
            provider=provider,
            provider_kind=kind,
            provider_country=country,
            area_mask=sum(1 << self.area_bits[area_id] for area_id in set(area_ids)),
        )
        links = {
            "areas": area_ids,
            "cities": rng.sample(self.city_ids, rng.choice((0, 1, 1, 2, 2, 3, 4))),
            "tags": rng.sample(self.tag_ids, rng.choice((0, 1, 1, 2, 3))),
        }
        return row, links

    def knowledge_item(
        self, index: int, slug_prefix: str
    ) -> tuple[KnowledgeItem, dict[str, list[int]]]:
        rng = self.rng
        fills, area_ids = self._fills()
        kind = _weighted(rng, KNOWLEDGE_KIND_WEIGHTS)
        title = rng.choice(self.words["knowledge_titles"][kind]).format(**fills)
        title = title[0].upper() + title[1:]
        row = KnowledgeItem(
            slug=(slug_prefix + slugify(title))[:220].rstrip("-"),
            kind=kind,
            title=title,
            summary=self._summary(fills),
            body=self._body(fills, rare=None),
            status=PublicationStatus.PUBLISHED,
            published_at=self._published_at(),
        )
        if kind == KnowledgeItem.Kind.EVENT:
            day = self.now + timedelta(days=rng.randint(-365, 365))
            row.event_start = day.replace(
                hour=rng.randint(8, 15), minute=0, second=0, microsecond=0
            )
            row.event_end = row.event_start + timedelta(hours=rng.choice((1, 2, 3, 8, 32)))
            if rng.random() < 0.5:
                row.event_online_url = f"https://events.example.org/{row.slug[:60]}"
            else:
                row.event_place = fills["city"]
        return row, {"areas": area_ids}

    def _fills(self) -> tuple[dict[str, str], list[int]]:
        """The words one row is written from, and the areas it is filed under."""
        rng = self.rng
        words = self.words
        area_slugs = rng.sample(self.area_slugs, rng.choice((1, 1, 2, 2, 3)))
        things = words["things_by_area"]
        thing = rng.choice(things[area_slugs[0]])
        other = rng.choice(things[area_slugs[-1]] if len(area_slugs) > 1 else things[area_slugs[0]])
        qualifier = rng.choice(words["qualifiers"])
        audience = rng.choice(words["audiences"])
        city = rng.choice(self.city_names)
        fills = {
            "qualifier": qualifier.lower(),
            "Qualifier": qualifier,
            "A_qualifier": ("An " if qualifier[0] in "AEIOU" else "A ") + qualifier.lower(),
            "thing": thing,
            "Thing": thing[0].upper() + thing[1:],
            "other": other,
            "setting": rng.choice(words["settings"]),
            "benefit": rng.choice(words["benefits"]),
            "audience": audience,
            "Audience": audience[0].upper() + audience[1:],
            "city": city,
            "City": city,
            "percent": str(rng.randint(5, 45)),
            "months": str(rng.randint(3, 24)),
            "count": str(rng.randint(10, 400)),
            "count2": str(rng.randint(200, 9000)),
        }
        return fills, [self.area_ids_by_slug[slug] for slug in area_slugs]

    def _title(self, fills) -> str:
        return f"{fills['Qualifier']} {fills['thing']} for {fills['setting']}"

    def _summary(self, fills) -> str:
        return self.rng.choice(self.words["summary_templates"]).format(**fills)[:SUMMARY_LIMIT]

    def _body(self, fills, *, rare: str | None) -> str:
        rng = self.rng
        sentences = self.words["body_sentences"]
        # Sampled once for the whole body, so no sentence repeats within a row.
        sizes = [rng.randint(2, 4) for _ in range(rng.randint(2, 4))]
        chosen = iter(rng.sample(sentences, sum(sizes)))
        paragraphs = [" ".join(next(chosen).format(**fills) for _ in range(size)) for size in sizes]
        if rare:
            paragraphs.append(rng.choice(self.words["rare_sentences"]).format(rare=rare))
        return "\n\n".join(paragraphs)

    def _published_at(self):
        return self.now - timedelta(seconds=self.rng.randrange(PUBLISHED_WITHIN_DAYS * 86_400))


class ProgressBar:
    """`[#####.....]  42% 42000/100000 solutions`, redrawn in place on one line."""

    def __init__(self, stdout, *, total: int, label: str, width: int = 30):
        self.stdout = stdout
        self.total = total
        self.label = label
        self.width = width
        self.update(0)

    def update(self, done: int) -> None:
        filled = self.width * done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        percent = 100 * done // self.total
        self.stdout.write(f"\r[{bar}] {percent:3d}% {done}/{self.total} {self.label}", ending="")
        self.stdout.flush()

    def finish(self) -> None:
        self.stdout.write("")
