"""Explore's open data API: published content for anyone, members' own submissions for them.

Other apps' APIs build on the summaries and fields of `api/common.py`, imported from here.
"""

from rest_framework.routers import SimpleRouter

from explore.api import catalogue as catalogue_api
from explore.api import knowledge as knowledge_api
from explore.api import solutions as solutions_api
from explore.api.common import (
    ActualValueSerializer,
    AreaSummarySerializer,
    CitySummarySerializer,
    IndicatorSummarySerializer,
    MeasurementSerializer,
    PageUrlField,
    ProjectSummarySerializer,
    SolutionLinkSerializer,
    StrictSlugRelatedField,
    TagSummarySerializer,
)

# Other apps' APIs import these from here too, though they live in marketplace.api.
from marketplace.api import LOOKUP_VALUE_REGEX, PAGE_NOT_FOUND, StrictPagination

__all__ = [
    "LOOKUP_VALUE_REGEX",
    "PAGE_NOT_FOUND",
    "ActualValueSerializer",
    "AreaSummarySerializer",
    "CitySummarySerializer",
    "IndicatorSummarySerializer",
    "MeasurementSerializer",
    "PageUrlField",
    "ProjectSummarySerializer",
    "SolutionLinkSerializer",
    "StrictPagination",
    "StrictSlugRelatedField",
    "TagSummarySerializer",
    "router",
]

router = SimpleRouter()
# Members' submissions, moderated by curators (api/solutions.py, on api/moderated.py)
router.register("solutions", solutions_api.SolutionViewSet, basename="solution")
# Reference data (api/catalogue.py)
router.register("projects", catalogue_api.ProjectViewSet, basename="project")
router.register("cities", catalogue_api.CityViewSet, basename="city")
router.register("indicators", catalogue_api.IndicatorViewSet, basename="indicator")
# Members' submissions, moderated by curators (api/knowledge.py, on api/moderated.py)
router.register("knowledge", knowledge_api.KnowledgeViewSet, basename="knowledge")
