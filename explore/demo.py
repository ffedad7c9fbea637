"""Demo catalogue for Explore: the real lighthouse projects and their cities, invented but
realistic solutions and knowledge items, and indicators with (mostly illustrative) figures.

The facts live in `demo_data/` next to this module, so a deployed app needs nothing else.
`load()` is idempotent: rows are matched by slug or code and only changed fields are
written, so a second run neither duplicates rows nor touches timestamps.

The demo member's submissions (`submissions.json`: items waiting for review, an edit of a
published solution, a draft) go through `explore.services` like a member's own, once each.
"""

import csv
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Organisation, User
from explore import permissions, services
from explore.models import (
    ActualValue,
    Area,
    City,
    CostBand,
    Indicator,
    KnowledgeItem,
    Measurement,
    ModerationRecord,
    ProjectCity,
    PublicationStatus,
    ReferenceProject,
    Solution,
    Tag,
)

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_AUTHOR_EMAIL = "member@example.org"  # created by accounts.demo
SUBMISSION_MODELS: dict[str, type[Solution | KnowledgeItem]] = {
    "solution": Solution,
    "knowledge": KnowledgeItem,
}

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def load() -> dict[str, int]:
    """Create or refresh the Explore demo catalogue; returns how many rows of each kind it holds."""
    areas = {area.slug: area for area in Area.objects.all()}
    cities = cities_load()
    projects = _projects_load(areas=areas, cities=cities)
    providers = _providers_load()
    author = User.objects.filter(email=DEMO_AUTHOR_EMAIL).first()
    solutions = _solutions_load(
        areas=areas, cities=cities, projects=projects, providers=providers, author=author
    )
    indicators = _indicators_load(areas=areas, cities=cities, projects=projects)
    knowledge = _knowledge_load(areas=areas, author=author)
    submissions = _submissions_load(areas=areas, cities=cities, solutions=solutions, author=author)
    return {
        "cities": len(cities),
        "projects": len(projects),
        "solutions": len(solutions),
        "indicators": len(indicators),
        "knowledge_items": len(knowledge),
        "submissions": len(submissions),
    }


def cities_load() -> dict[str, City]:
    """The cities of the lighthouse projects, keyed by slug (also used by generate_catalogue)."""
    with open(DATA_DIR / "cities.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return {
        row["slug"]: _upsert(
            City,
            lookup={"slug": row["slug"]},
            values={
                "name": row["name"],
                "country": row["country"],
                "latitude": Decimal(row["latitude"]),
                "longitude": Decimal(row["longitude"]),
                "population": int(row["population"]) if row["population"] else None,
                "population_year": int(row["population_year"]) if row["population_year"] else None,
            },
        )
        for row in rows
    }


def _projects_load(*, areas, cities) -> dict[str, ReferenceProject]:
    projects = {}
    for entry in _read_json("projects.json"):
        project = _upsert(
            ReferenceProject,
            lookup={"slug": entry["slug"]},
            values={
                "name": entry["name"],
                "acronym": entry["acronym"],
                "programme": entry["programme"],
                "start_year": entry["start_year"],
                "end_year": entry["end_year"],
                # Left empty in the data where no source confirmed them: never estimated.
                "total_budget_eur": entry["total_budget_eur"],
                "eu_contribution_eur": entry["eu_contribution_eur"],
                "website": entry["website"],
                "description": entry["description"],
            },
        )
        project.areas.set([areas[slug] for slug in entry["areas"]])
        listed = set()
        for role, city_slugs in entry["cities"].items():
            for city_slug in city_slugs:
                _upsert(
                    ProjectCity,
                    lookup={"project": project, "city": cities[city_slug]},
                    values={"role": ProjectCity.Role(role)},
                )
                listed.add(cities[city_slug].pk)
        project.city_roles.exclude(city_id__in=listed).delete()
        projects[project.slug] = project
    return projects


def _providers_load() -> dict[str, Organisation]:
    providers = {}
    for entry in _read_json("providers.json"):
        values = {
            "name": entry["name"],
            "kind": Organisation.Kind(entry["kind"]),
            "country": entry["country"],
            "city": entry["city"],
            "description": entry["description"],
            "verified": True,
        }
        if entry.get("reuse_existing"):
            # Shared with accounts.demo, which owns these rows: reuse, never overwrite.
            organisation, _created = Organisation.objects.get_or_create(
                slug=entry["slug"], defaults=values
            )
        else:
            organisation = _upsert(Organisation, lookup={"slug": entry["slug"]}, values=values)
        providers[entry["slug"]] = organisation
    return providers


def _solutions_load(*, areas, cities, projects, providers, author) -> list[Solution]:
    now = timezone.now()
    solutions = []
    for entry in _read_json("solutions.json"):
        provider = providers[entry["provider"]]
        solution = _upsert(
            Solution,
            lookup={"slug": entry["slug"]},
            values={
                "title": entry["title"],
                "summary": entry["summary"],
                "body": "\n\n".join(entry["body"]),
                "replication_notes": entry["replication_notes"],
                "status": PublicationStatus.PUBLISHED,
                "maturity": entry["maturity"],
                "cost_min_eur": entry["cost_min_eur"],
                "cost_max_eur": entry["cost_max_eur"],
                "cost_band": CostBand.for_amount(entry["cost_min_eur"]),
                "provider": provider,
                "provider_kind": provider.kind,
                "provider_country": provider.country.code,
            },
            on_create={
                "published_at": _days_ago(now, entry["published_days_ago"]),
                "author": author,
            },
        )
        services.solution_areas_set(
            solution=solution, areas=[areas[slug] for slug in entry["areas"]]
        )
        solution.tags.set([_tag(name) for name in entry["tags"]])
        solution.cities.set([cities[slug] for slug in entry["cities"]])
        solution.projects.set([projects[slug] for slug in entry["projects"]])
        solutions.append(solution)
    return solutions


def _indicators_load(*, areas, cities, projects) -> list[Indicator]:
    data = _read_json("indicators.json")
    indicators = []
    for entry in data["indicators"]:
        indicator = _upsert(
            Indicator,
            lookup={"code": entry["code"]},
            values={
                "slug": slugify(entry["code"]),
                "name": entry["name"],
                "unit": entry["unit"],
                "direction": Indicator.Direction(entry["direction"]),
                "area": areas[entry["area"]],
                "definition": entry["definition"],
            },
        )
        for measured in entry["measurements"]:
            _measurement_load(
                indicator=indicator,
                measured=measured,
                subject={
                    "city": cities[measured["city"]] if "city" in measured else None,
                    "project": projects[measured["project"]] if "project" in measured else None,
                    "country": measured.get("country", ""),
                },
                default_source=data["demo_source"],
            )
        indicators.append(indicator)
    return indicators


def _measurement_load(*, indicator, measured, subject, default_source) -> Measurement:
    baseline_value, baseline_year = measured["baseline"]
    target_value, target_year = measured["target"] or (None, None)
    measurement = _upsert(
        Measurement,
        lookup={"indicator": indicator, **subject},
        values={
            "baseline_value": Decimal(baseline_value),
            "baseline_year": baseline_year,
            "target_value": Decimal(target_value) if target_value is not None else None,
            "target_year": target_year,
            "source": measured.get("source", default_source),
        },
    )
    years = []
    for year, value, note in measured["actuals"]:
        _upsert(
            ActualValue,
            lookup={"measurement": measurement, "year": year},
            values={"value": Decimal(value), "note": note},
        )
        years.append(year)
    measurement.actuals.exclude(year__in=years).delete()
    return measurement


def _published_at(entry: dict, *, now: datetime) -> datetime:
    """News of a dated event keeps its own date; the rest is dated relative to the load."""
    if "published_on" in entry:
        return datetime.fromisoformat(entry["published_on"]).replace(tzinfo=UTC)
    return _days_ago(now, entry["published_days_ago"])


def _knowledge_load(*, areas, author) -> list[KnowledgeItem]:
    now = timezone.now()
    items = []
    for entry in _read_json("knowledge.json"):
        event = entry.get("event") or {}
        on_create: dict[str, Any] = {
            "published_at": _published_at(entry, now=now),
            "author": author,
        }
        if event:
            on_create |= _event_times(event, now=now)
        item = _upsert(
            KnowledgeItem,
            lookup={"slug": entry["slug"]},
            values={
                "kind": KnowledgeItem.Kind(entry["kind"]),
                "title": entry["title"],
                "summary": entry["summary"],
                "body": "\n\n".join(entry["body"]),
                "status": PublicationStatus.PUBLISHED,
                "source_url": entry["source_url"],
                "event_place": event.get("place", ""),
                "event_online_url": event.get("online_url", ""),
            },
            on_create=on_create,
        )
        item.areas.set([areas[slug] for slug in entry["areas"]])
        items.append(item)
    return items


def _event_times(event: dict, *, now: datetime) -> dict[str, datetime]:
    # Dates are relative to the first load so that some events are always upcoming.
    start = (now + timedelta(days=event["starts_in_days"])).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return {"event_start": start, "event_end": start + timedelta(hours=event["hours"])}


def _submissions_load(*, areas, cities, solutions, author) -> list[Solution | KnowledgeItem]:
    """Work for a curator's queue and a draft in the member's own list, so that the
    contributing flow can be tried without first writing content by hand.

    Each is made once, through the services as a member would. Once made it belongs to the
    member and the curators: a reload never re-submits or overwrites it, even after a curator
    has published it or sent it back (which turns it into a draft again).
    """
    if author is None or not permissions.can_submit_content(author):
        return []
    data = _read_json("submissions.json")
    now = timezone.now()
    items = [
        _submission_load(entry, areas=areas, cities=cities, author=author, now=now)
        for entry in data["new"]
    ]
    by_slug = {solution.slug: solution for solution in solutions}
    for entry in data["edits"]:
        edit = _edit_load(entry, original=by_slug[entry["solution"]], author=author)
        if edit is not None:
            items.append(edit)
    return items


def _submission_load(entry: dict, *, areas, cities, author, now) -> Solution | KnowledgeItem:
    model = SUBMISSION_MODELS[entry["model"]]
    existing = model.objects.filter(
        author=author, title=entry["title"], revision_of__isnull=True
    ).first()
    if existing is not None:
        return existing
    data: dict[str, Any] = {
        name: value for name, value in entry.items() if name in model.EDITABLE_FIELDS
    }
    data |= {
        "body": "\n\n".join(entry["body"]),
        "areas": [areas[slug] for slug in entry["areas"]],
    }
    if model is Solution:
        data |= {
            "tags": [_tag(name) for name in entry["tags"]],
            "cities": [cities[slug] for slug in entry["cities"]],
        }
    if "event" in entry:
        event = entry["event"]
        data |= _event_times(event, now=now) | {
            "event_place": event["place"],
            "event_online_url": event["online_url"],
        }
    return services.content_create(model=model, author=author, data=data, submit=entry["submit"])


def _edit_load(entry: dict, *, original: Solution, author) -> Solution | None:
    """The member's pending edit of a published demo solution, which stays up meanwhile."""
    # Any edit of it, whatever its state: one sent back is a draft the member may rework.
    edit = Solution.objects.filter(revision_of=original).first()
    if edit is not None:
        return edit
    # An approved edit is deleted once copied over, leaving only the curator's record on the
    # original (the demo's own rows have none): do not ask for that decision a second time.
    records = ModerationRecord.objects.about(original)
    approved = records.filter(action=ModerationRecord.Action.PUBLISHED).exists()
    if approved or not permissions.can_edit_item(author, original):
        return None
    return services.content_update(item=original, actor=author, data=entry["changes"])


def _tag(name: str) -> Tag:
    return _upsert(Tag, lookup={"slug": slugify(name)}, values={"name": name})


def _days_ago(now, days: int):
    # A fixed hour per item keeps listings from showing a suspicious run of identical times.
    moment = now - timedelta(days=days)
    return moment.replace(hour=7 + days % 10, minute=(days * 7) % 60, second=0, microsecond=0)


def _read_json(name: str):
    with open(DATA_DIR / name, encoding="utf-8") as file:
        return json.load(file)


def _upsert(model: type[M], *, lookup: dict, values: dict, on_create: dict | None = None) -> M:
    """Like `update_or_create`, but saves only the fields whose value changed.

    `update_or_create` rewrites every default on each run, which would bump `updated_at`
    and make PostgreSQL recompute search vectors for rows that did not change.
    `on_create` values (publication dates, author) are set once and then left alone.
    """
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**lookup, **values, **(on_create or {}))
    changed = [name for name, value in values.items() if _differs(instance, name, value)]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            changed.append("updated_at")
        instance.save(update_fields=changed)
    return instance


def _differs(instance: models.Model, name: str, value) -> bool:
    if isinstance(value, models.Model):
        # Compare keys, so checking a foreign key costs no query.
        return getattr(instance, f"{name}_id") != value.pk
    return getattr(instance, name) != value
