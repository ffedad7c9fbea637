"""Shape's API: a promoter's project plans, their review and their bankability checklist."""

from rest_framework.routers import SimpleRouter

from shape.api import checklists as checklists_api
from shape.api import plans as plans_api

router = SimpleRouter()
# Plans, their review workflow, their checklist and investors' teasers (api/plans.py)
router.register("plans", plans_api.PlanViewSet, basename="plan")
# Checklist templates (api/checklists.py)
router.register(
    "checklist-templates", checklists_api.ChecklistTemplateViewSet, basename="checklist-template"
)
