"""Which EU facilities a plan may fit, with the reasons in plain words.

Pure functions over a plan's fields: nothing is written and nothing is fetched apart from
the plan's areas and organisation (prefetch them on list pages). The thresholds come from
/work/shared/reference/instruments.md; a "met" result means the conditions the platform can
see are met, not that the facility will fund the project.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation

PORTAL_MINIMUM_EUR = 1_000_000  # EIPP since the 2017 amendment
INVESTEU_PORTAL_MINIMUM_EUR = 500_000
PORTAL_START_WITHIN_YEARS = 3
ELENA_TYPICAL_MINIMUM_EUR = 30_000_000
CITY_FACILITY_GRANT_EUR = 60_000

# ELENA funds energy efficiency, distributed renewables and sustainable urban transport;
# these are the platform areas those programmes are tagged with.
ELENA_AREAS = {
    "sustainable-urban-mobility",
    "sustainable-districts-built-environment",
    "integrated-infrastructures",
}
PUBLIC_PROMOTERS = {Organisation.Kind.CITY, Organisation.Kind.PUBLIC_AUTHORITY}


@dataclass(frozen=True)
class FacilityCheck:
    facility: str
    offers: str
    met: bool
    reasons: list[str] = field(default_factory=list)


def euros(amount: int) -> str:
    return f"EUR {number_format(amount, force_grouping=True)}"


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _minimum_investment(plan, minimum: int) -> tuple[bool, str]:
    total = plan.total_investment_eur
    if total is None:
        return False, _("no total investment given")
    if total < minimum:
        return False, _("total investment %(total)s is below the %(minimum)s minimum") % {
            "total": euros(total),
            "minimum": euros(minimum),
        }
    return True, _("total investment %(total)s reaches the %(minimum)s minimum") % {
        "total": euros(total),
        "minimum": euros(minimum),
    }


def _start_soon_enough(plan, today: datetime.date) -> tuple[bool, str]:
    if plan.planned_start is None:
        return False, _("no planned start date given")
    latest = _years_later(today, PORTAL_START_WITHIN_YEARS)
    start = date_format(plan.planned_start)
    if plan.planned_start > latest:
        return False, _("the planned start %(start)s is more than three years away") % {
            "start": start
        }
    return True, _("the planned start %(start)s is within three years") % {"start": start}


def eipp(plan, *, today: datetime.date) -> FacilityCheck:
    cost_ok, cost_reason = _minimum_investment(plan, PORTAL_MINIMUM_EUR)
    start_ok, start_reason = _start_soon_enough(plan, today)
    return FacilityCheck(
        facility=_("European Investment Project Portal (EIPP)"),
        offers=_("Shows the project to investors worldwide; it does not finance it."),
        met=cost_ok and start_ok,
        reasons=[cost_reason, start_reason],
    )


def investeu_portal(plan) -> FacilityCheck:
    cost_ok, cost_reason = _minimum_investment(plan, INVESTEU_PORTAL_MINIMUM_EUR)
    return FacilityCheck(
        facility=_("InvestEU Portal"),
        offers=_("Matches promoters with investors; listing does not guarantee financing."),
        met=cost_ok,
        reasons=[cost_reason],
    )


def elena(plan) -> FacilityCheck:
    reasons = []
    total = plan.total_investment_eur
    if total is None:
        size_ok = False
        reasons.append(_("no total investment given"))
    elif total < ELENA_TYPICAL_MINIMUM_EUR:
        size_ok = False
        reasons.append(
            _(
                "total investment %(total)s is below the typical %(minimum)s programme size; "
                "bundling it with similar projects can help"
            )
            % {"total": euros(total), "minimum": euros(ELENA_TYPICAL_MINIMUM_EUR)}
        )
    else:
        size_ok = True
        reasons.append(
            _("total investment %(total)s reaches the typical %(minimum)s programme size")
            % {"total": euros(total), "minimum": euros(ELENA_TYPICAL_MINIMUM_EUR)}
        )
    matching = sorted(area.name for area in plan.areas.all() if area.slug in ELENA_AREAS)
    if matching:
        reasons.append(_("it works on %(areas)s") % {"areas": ", ".join(matching)})
    else:
        reasons.append(
            _("it is not tagged with energy efficiency, renewables or urban transport areas")
        )
    return FacilityCheck(
        facility=_("ELENA (European Local ENergy Assistance)"),
        offers=_(
            "Pays up to 90% of project development services for energy and transport "
            "investment programmes, not the investment itself."
        ),
        met=size_ok and bool(matching),
        reasons=reasons,
    )


def city_facility(plan) -> FacilityCheck:
    organisation = plan.organisation
    if organisation is None:
        met, reason = False, _("no promoting organisation given")
    elif organisation.kind in PUBLIC_PROMOTERS:
        met = True
        reason = _("the promoter, %(name)s, is a %(kind)s") % {
            "name": organisation.name,
            "kind": organisation.get_kind_display().lower(),
        }
    else:
        met = False
        reason = _("the promoter, %(name)s, is not a city, municipality or public authority") % {
            "name": organisation.name
        }
    return FacilityCheck(
        facility=_("EU City Facility (EUCF)"),
        offers=_(
            "A %(grant)s grant for a municipality to turn its climate or energy plan into an "
            "investment concept."
        )
        % {"grant": euros(CITY_FACILITY_GRANT_EUR)},
        met=met,
        reasons=[reason],
    )


FACILITIES_NOTE = gettext_lazy(
    "These checks use only what the plan records. Each facility has further conditions "
    "(for example, the EU City Facility asks for an approved climate or energy plan)."
)


def facility_checks(plan, *, today: datetime.date | None = None) -> list[FacilityCheck]:
    today = today or timezone.localdate()
    return [eipp(plan, today=today), investeu_portal(plan), elena(plan), city_facility(plan)]
