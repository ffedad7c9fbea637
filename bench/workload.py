"""What the benchmark asks for: query strings for the selector, paths for the server.

Needs Django set up against a database that `generate_catalogue` filled.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from explore.management.commands.generate_catalogue import WORDS_FILE
from explore.models import Area, Maturity
from explore.selectors import published_solutions

# Words of the generator's body sentences that half or more of the solutions contain.
COMMON_TERMS = ["energy", "district", "data", "maintenance"]
DETAIL_PAGE_COUNT = 20


@dataclass(frozen=True)
class Workload:
    rare_searches: list[str]
    common_searches_with_two_facets: list[str]
    two_common_words: list[str]
    browse_all: list[str]
    list_paths: list[str]
    detail_paths: list[str]
    baseline_path: str
    frame_path: str


def rare_terms() -> list[str]:
    # The generator puts each of these in a handful of solutions only.
    with open(WORDS_FILE, encoding="utf-8") as file:
        return json.load(file)["rare_words"]


def workload_build() -> Workload:
    rare = rare_terms()
    area_slugs = list(Area.objects.order_by("position").values_list("slug", flat=True))
    maturities = [Maturity.DEMONSTRATED, Maturity.PILOT, Maturity.AT_SCALE, Maturity.IDEA]
    common_with_two_facets = [
        urlencode({"q": term, "area": area_slugs[i % len(area_slugs)], "maturity": maturities[i]})
        for i, term in enumerate(COMMON_TERMS)
    ]
    # The page as a visitor uses it: a term (common or rare) and one facet, varied per request;
    # also the catalogue without words, and the second page of a common term.
    list_querystrings = [
        urlencode({"q": term, "maturity": maturities[i % len(maturities)]})
        for i, term in enumerate(COMMON_TERMS + rare[: len(COMMON_TERMS)])
    ]
    list_querystrings += [
        urlencode({"area": area_slugs[0]}),
        urlencode({"q": COMMON_TERMS[0], "page": 2}),
    ]
    list_path = reverse("explore:solution-list")
    return Workload(
        rare_searches=[urlencode({"q": term}) for term in rare],
        common_searches_with_two_facets=common_with_two_facets,
        two_common_words=[
            urlencode({"q": f"{first} {second}"})
            for first, second in zip(COMMON_TERMS, COMMON_TERMS[1:], strict=False)
        ],
        browse_all=[""],
        list_paths=[f"{list_path}?{querystring}" for querystring in list_querystrings],
        detail_paths=[reverse("explore:solution-detail", args=[slug]) for slug in spread_slugs()],
        baseline_path=reverse("bench-baseline"),
        frame_path=reverse("bench-frame"),
    )


def spread_slugs() -> list[str]:
    """Slugs of solutions spread evenly over the catalogue, oldest to newest."""
    slugs = list(published_solutions().order_by("pk").values_list("slug", flat=True))
    step = max(len(slugs) // DETAIL_PAGE_COUNT, 1)
    return slugs[::step][:DETAIL_PAGE_COUNT]
