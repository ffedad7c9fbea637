"""Matchmaking scores: every bankable plan against every active investor profile.

Pure NumPy, no Django: the caller loads `PlanArrays` and `InvestorArrays` from the
database and stores what `top_matches` returns. Each criterion gives a part in [0, 1];
the total is 100 x the weighted sum of the parts, rounded to one decimal.

`reference_score` is a deliberately plain scorer over one plan and one investor (as the
dicts `PlanArrays.row` and `InvestorArrays.row` return); the tests hold the vectorised
scorer to it.
"""

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

WEIGHTS = {
    "areas": 0.25,
    "geography": 0.15,
    "ticket": 0.25,
    "instruments": 0.15,
    "stage": 0.10,
    "bankability": 0.10,
}
CRITERIA = tuple(WEIGHTS)
STAGES = (
    "idea",
    "concept",
    "pre-feasibility",
    "feasibility",
    "procurement-ready",
    "implementation",
)
MASK_BITS = 64


def _column(values, dtype, name: str, length: int | None) -> np.ndarray:
    array = np.asarray(values, dtype=dtype)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    if length is not None and len(array) != length:
        raise ValueError(f"{name} has {len(array)} rows, expected {length}.")
    return array


@dataclass
class PlanArrays:
    """One row per bankable plan; the arrays are read, never modified."""

    ids: np.ndarray
    area_mask: np.ndarray
    country: np.ndarray  # index into the caller's country list, -1 when unknown
    funding: np.ndarray  # EUR sought, > 0
    instrument_mask: np.ndarray
    stage: np.ndarray  # 0..5, see STAGES
    score: np.ndarray  # bankability, 0-100

    def __post_init__(self):
        self.ids = _column(self.ids, np.int64, "ids", None)
        n = len(self.ids)
        self.area_mask = _column(self.area_mask, np.int64, "area_mask", n)
        self.country = _column(self.country, np.int32, "country", n)
        self.funding = _column(self.funding, np.float64, "funding", n)
        self.instrument_mask = _column(self.instrument_mask, np.int64, "instrument_mask", n)
        self.stage = _column(self.stage, np.int8, "stage", n)
        self.score = _column(self.score, np.float64, "score", n)
        if n and not (self.funding > 0).all():
            raise ValueError("Every plan must seek a positive funding amount.")
        if n and not ((self.stage >= 0) & (self.stage < len(STAGES))).all():
            raise ValueError(f"Plan stages must lie in 0..{len(STAGES) - 1}.")
        if n and not ((self.score >= 0) & (self.score <= 100)).all():
            raise ValueError("Bankability scores must lie in 0..100.")
        if n and (self.country < -1).any():
            raise ValueError("Plan countries are indexes, or -1 when unknown.")

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index) -> "PlanArrays":
        """The plans at `index` (a slice, indexes or a boolean mask), e.g. to re-score one."""
        return PlanArrays(
            ids=self.ids[index],
            area_mask=self.area_mask[index],
            country=self.country[index],
            funding=self.funding[index],
            instrument_mask=self.instrument_mask[index],
            stage=self.stage[index],
            score=self.score[index],
        )

    def row(self, i: int) -> dict:
        return {
            "id": int(self.ids[i]),
            "area_mask": int(self.area_mask[i]),
            "country": int(self.country[i]),
            "funding": float(self.funding[i]),
            "instrument_mask": int(self.instrument_mask[i]),
            "stage": int(self.stage[i]),
            "score": float(self.score[i]),
        }


@dataclass
class InvestorArrays:
    """One row per active investor profile; the arrays are read, never modified.

    Geography is `countries` (bool, n_investors x n_countries, columns indexed like the
    plans' `country`), `eu_wide` (bool, True = any country), or both.
    """

    ids: np.ndarray
    area_mask: np.ndarray
    ticket_min: np.ndarray  # EUR, >= 0
    ticket_max: np.ndarray  # EUR, >= ticket_min; inf for no maximum
    instrument_mask: np.ndarray
    stage_mask: np.ndarray  # bit s set: invests at stage s
    min_score: np.ndarray  # minimum bankability, >= 0
    countries: np.ndarray | None = None
    eu_wide: np.ndarray | None = None

    def __post_init__(self):
        self.ids = _column(self.ids, np.int64, "ids", None)
        n = len(self.ids)
        self.area_mask = _column(self.area_mask, np.int64, "area_mask", n)
        self.ticket_min = _column(self.ticket_min, np.float64, "ticket_min", n)
        self.ticket_max = _column(self.ticket_max, np.float64, "ticket_max", n)
        self.instrument_mask = _column(self.instrument_mask, np.int64, "instrument_mask", n)
        self.stage_mask = _column(self.stage_mask, np.int64, "stage_mask", n)
        self.min_score = _column(self.min_score, np.float64, "min_score", n)
        if self.countries is None and self.eu_wide is None:
            raise ValueError("Give investor geography as `countries`, `eu_wide` or both.")
        if self.countries is not None:
            self.countries = np.asarray(self.countries, dtype=bool)
            if self.countries.ndim != 2 or len(self.countries) != n:
                raise ValueError(f"countries must have shape ({n}, n_countries).")
        if self.eu_wide is not None:
            self.eu_wide = _column(self.eu_wide, bool, "eu_wide", n)
        if n and not (self.ticket_min >= 0).all():
            raise ValueError("Ticket minimums must not be negative.")
        if n and not ((self.ticket_max >= self.ticket_min) & (self.ticket_max > 0)).all():
            raise ValueError("Ticket maximums must be positive and at least the minimum.")
        if n and not (self.min_score >= 0).all():
            raise ValueError("Minimum bankability scores must not be negative.")

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index) -> "InvestorArrays":
        """The profiles at `index` (a slice, indexes or a boolean mask), e.g. to re-score one."""
        return InvestorArrays(
            ids=self.ids[index],
            area_mask=self.area_mask[index],
            ticket_min=self.ticket_min[index],
            ticket_max=self.ticket_max[index],
            instrument_mask=self.instrument_mask[index],
            stage_mask=self.stage_mask[index],
            min_score=self.min_score[index],
            countries=None if self.countries is None else self.countries[index],
            eu_wide=None if self.eu_wide is None else self.eu_wide[index],
        )

    def row(self, j: int) -> dict:
        countries = frozenset()
        if self.countries is not None:
            countries = frozenset(int(c) for c in np.flatnonzero(self.countries[j]))
        return {
            "id": int(self.ids[j]),
            "area_mask": int(self.area_mask[j]),
            "countries": countries,
            "eu_wide": bool(self.eu_wide[j]) if self.eu_wide is not None else False,
            "ticket_min": float(self.ticket_min[j]),
            "ticket_max": float(self.ticket_max[j]),
            "instrument_mask": int(self.instrument_mask[j]),
            "stage_mask": int(self.stage_mask[j]),
            "min_score": float(self.min_score[j]),
        }


# --- Vectorised scoring -----------------------------------------------------------------


@dataclass(frozen=True)
class _InvestorSide:
    """What every block of plans is compared with, prepared once per scoring run."""

    area_mask: np.ndarray  # uint64 views, so that bit 63 counts like any other bit
    instrument_mask: np.ndarray
    ticket_min: np.ndarray  # float32 from here on: 1e-7 relative error is far below 1e-5
    ticket_max: np.ndarray
    min_score: np.ndarray  # float64: a tiny minimum must not round to "no minimum"
    geography: np.ndarray  # float32 (n_countries + 1, n_investors); last row: country unknown
    stage: np.ndarray  # float32 (len(STAGES), n_investors): the stage part per plan stage

    @classmethod
    def build(cls, investors: InvestorArrays) -> "_InvestorSide":
        n = len(investors)
        eu_wide = investors.eu_wide if investors.eu_wide is not None else np.zeros(n, bool)
        listed = investors.countries if investors.countries is not None else np.zeros((n, 0), bool)
        geography = np.vstack([listed.T | eu_wide, eu_wide]).astype(np.float32)
        stage = np.zeros((len(STAGES), n), np.float32)
        for s in range(len(STAGES)):
            fits = (investors.stage_mask >> s) & 1 == 1
            adjacent = np.zeros(n, bool)
            if s > 0:
                adjacent |= (investors.stage_mask >> (s - 1)) & 1 == 1
            if s + 1 < len(STAGES):
                adjacent |= (investors.stage_mask >> (s + 1)) & 1 == 1
            stage[s] = np.where(fits, 1.0, np.where(adjacent, 0.5, 0.0))
        return cls(
            area_mask=investors.area_mask.view(np.uint64),
            instrument_mask=investors.instrument_mask.view(np.uint64),
            ticket_min=investors.ticket_min.astype(np.float32),
            ticket_max=investors.ticket_max.astype(np.float32),
            min_score=investors.min_score,
            geography=geography,
            stage=stage,
        )

    def geography_row(self, country: np.ndarray) -> np.ndarray:
        # Unknown countries, and countries past the investors' list, read the last row.
        n_listed = len(self.geography) - 1
        return np.where((country >= 0) & (country < n_listed), country, n_listed)


def _narrow(plan_masks: np.ndarray, investor_masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Counting bits on the narrowest type that holds every mask moves less memory.
    top = max(int(plan_masks.max(initial=0)), int(investor_masks.max(initial=0)))
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return plan_masks.astype(dtype), investor_masks.astype(dtype)
    return plan_masks, investor_masks


def _share(plan_masks: np.ndarray, investor_masks: np.ndarray, expand) -> np.ndarray:
    """Shared bits / the plan's bits (0 when the plan has none), float32."""
    plan_masks = plan_masks.view(np.uint64)
    counts = np.bitwise_count(plan_masks)
    with np.errstate(divide="ignore"):
        reciprocal = np.where(counts > 0, 1 / counts.astype(np.float32), np.float32(0))
    plan_masks, investor_masks = _narrow(plan_masks, investor_masks)
    return np.bitwise_count(expand(plan_masks) & investor_masks) * expand(reciprocal)


def _parts(plans: PlanArrays, side: _InvestorSide, plan_index, investor_index, expand):
    """The six parts, float32, for plans broadcast against investors.

    `expand` shapes a plan-side column so it broadcasts against the investor side: a column
    vector for a plans x investors block, the identity for aligned pairs.
    """
    funding = expand(plans.funding[plan_index].astype(np.float32))
    score = expand(plans.score[plan_index])
    ticket_min = side.ticket_min[investor_index]
    ticket_max = side.ticket_max[investor_index]
    min_score = side.min_score[investor_index]
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        # exp(-2 |log(funding / bound)|) is (funding / bound) ** 2 below the minimum and
        # (bound / funding) ** 2 above the maximum; inside, both ratios are >= 1.
        ticket = np.fmin(np.minimum(funding / ticket_min, ticket_max / funding), 1)
        # 0 / 0 is nan, which fmin turns into 1: a zero score meets a zero minimum.
        bankability = np.fmin(score / min_score, 1).astype(np.float32)
    ticket *= ticket
    bankability *= bankability
    country = side.geography_row(plans.country[plan_index])
    stage = plans.stage[plan_index]
    if investor_index is Ellipsis:
        geography = side.geography[country]
        stage_part = side.stage[stage]
    else:
        geography = side.geography[country, investor_index]
        stage_part = side.stage[stage, investor_index]
    return {
        "areas": _share(plans.area_mask[plan_index], side.area_mask[investor_index], expand).astype(
            np.float32, copy=False
        ),
        "geography": geography,
        "ticket": ticket,
        "instruments": _share(
            plans.instrument_mask[plan_index], side.instrument_mask[investor_index], expand
        ).astype(np.float32, copy=False),
        "stage": stage_part,
        "bankability": bankability,
    }


def _tenths(parts: dict[str, np.ndarray]) -> np.ndarray:
    """Totals in tenths of a point (int16), so that ranking keys stay exact integers."""
    total = None
    for name, weight in WEIGHTS.items():
        term = parts[name] * np.float32(1000 * weight)
        total = term if total is None else np.add(total, term, out=total)
    return np.rint(total).astype(np.int16)


def _column_vector(values: np.ndarray) -> np.ndarray:
    return values[:, None]


def _aligned(values: np.ndarray) -> np.ndarray:
    return values


def score_chunk(
    plans: PlanArrays, investors: InvestorArrays, plan_slice: slice
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Totals (float32, plans in `plan_slice` x investors) and the six part matrices."""
    parts = _parts(plans, _InvestorSide.build(investors), plan_slice, ..., _column_vector)
    return _tenths(parts).astype(np.float32) / np.float32(10), parts


def score_pairs(
    plans: PlanArrays, investors: InvestorArrays, plan_index, investor_index
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Totals and parts for aligned pairs (plan_index[k], investor_index[k]), float32."""
    side = _InvestorSide.build(investors)
    parts = _parts(plans, side, np.asarray(plan_index), np.asarray(investor_index), _aligned)
    return _tenths(parts).astype(np.float32) / np.float32(10), parts


@dataclass(frozen=True)
class Matches:
    """Kept matches as parallel arrays, by plan id, best total first, then investor id."""

    plan_ids: np.ndarray
    investor_ids: np.ndarray
    totals: np.ndarray
    parts: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.plan_ids)

    def rows(self) -> Iterator[tuple[int, int, float, dict[str, float]]]:
        """(plan_id, investor_id, total, parts) with plain Python numbers."""
        for k in range(len(self)):
            parts = {name: round(float(values[k]), 6) for name, values in self.parts.items()}
            yield (
                int(self.plan_ids[k]),
                int(self.investor_ids[k]),
                round(float(self.totals[k]), 1),
                parts,
            )


def _tie_order(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A tie-break value per row (larger for a smaller id) and its inverse, value -> row."""
    by_id = np.argsort(ids, kind="stable")
    n = len(ids)
    tiebreak = np.empty(n, np.int64)
    tiebreak[by_id] = n - 1 - np.arange(n)
    return tiebreak, by_id[::-1].copy()


def _top_along_rows(keys: np.ndarray, k: int) -> np.ndarray:
    if keys.shape[1] <= k:
        return keys
    return np.partition(keys, keys.shape[1] - k, axis=1)[:, keys.shape[1] - k :]


def top_matches(
    plans: PlanArrays,
    investors: InvestorArrays,
    *,
    per_plan: int = 20,
    per_investor: int = 50,
    chunk: int = 1000,
    min_total: float = 0,
    on_chunk: Callable[[int, int], None] | None = None,
) -> Matches:
    """The best `per_plan` investors of every plan and the best `per_investor` plans of every
    investor (their union), each with a total of at least `min_total`.

    Equal totals rank the smaller id first, so the result does not depend on `chunk`, which
    only bounds memory: a few plans x investors matrices of `chunk` rows at a time.
    `on_chunk(done, total)` is called after each block of plans, e.g. to report progress.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1.")
    n_plans, n_investors = len(plans), len(investors)
    if not n_plans or not n_investors:
        empty = np.empty(0, np.int64)
        parts = {name: np.empty(0, np.float32) for name in CRITERIA}
        return Matches(empty, empty.copy(), np.empty(0, np.float32), parts)
    side = _InvestorSide.build(investors)
    investor_tiebreak, investor_by_tiebreak = _tie_order(investors.ids)
    plan_tiebreak, plan_by_tiebreak = _tie_order(plans.ids)
    keep_per_plan = min(per_plan, n_investors)
    keep_per_investor = min(per_investor, n_plans)
    # Keys pack (total in tenths, tie-break) into one int64 per pair, unique within a row,
    # so partitioning the keys alone ranks exactly and tells which pair each key is.
    picked_codes, picked_tenths = [], []
    best_per_investor = np.empty((n_investors, 0), np.int64)
    for start in range(0, n_plans, chunk):
        block = slice(start, min(start + chunk, n_plans))
        tenths = _tenths(_parts(plans, side, block, ..., _column_vector)).astype(np.int64)
        if keep_per_plan:
            keys = _top_along_rows(tenths * n_investors + investor_tiebreak, keep_per_plan)
            investor_index = investor_by_tiebreak[keys % n_investors]
            plan_index = np.arange(block.start, block.stop)[:, None]
            picked_codes.append((plan_index * n_investors + investor_index).ravel())
            picked_tenths.append((keys // n_investors).ravel())
        if keep_per_investor:
            keys = np.ascontiguousarray(tenths.T) * n_plans + plan_tiebreak[block]
            keys = _top_along_rows(keys, keep_per_investor)
            best_per_investor = _top_along_rows(
                np.concatenate([best_per_investor, keys], axis=1), keep_per_investor
            )
        if on_chunk is not None:
            on_chunk(block.stop // chunk + (block.stop % chunk > 0), -(-n_plans // chunk))
    if keep_per_investor:
        plan_index = plan_by_tiebreak[best_per_investor % n_plans]
        investor_index = np.arange(n_investors)[:, None]
        picked_codes.append((plan_index * n_investors + investor_index).ravel())
        picked_tenths.append((best_per_investor // n_plans).ravel())
    codes, first = np.unique(np.concatenate(picked_codes), return_index=True)
    tenths = np.concatenate(picked_tenths)[first]
    kept = tenths >= math.ceil(round(min_total * 10, 6))
    codes, tenths = codes[kept], tenths[kept]
    plan_index, investor_index = np.divmod(codes, n_investors)
    parts = _parts(plans, side, plan_index, investor_index, _aligned)
    plan_ids, investor_ids = plans.ids[plan_index], investors.ids[investor_index]
    order = np.lexsort((investor_ids, -tenths, plan_ids))
    return Matches(
        plan_ids=plan_ids[order],
        investor_ids=investor_ids[order],
        totals=tenths[order].astype(np.float32) / np.float32(10),
        parts={name: values[order] for name, values in parts.items()},
    )


# --- Reference scorer (the tests' oracle) ----------------------------------------------


def _bits(mask: int) -> set[int]:
    return {bit for bit in range(MASK_BITS) if (mask >> bit) & 1}


def reference_score(plan: dict, investor: dict) -> tuple[float, dict[str, float]]:
    """One plan against one investor, in plain Python: slow, simple, obviously right."""
    plan_areas = _bits(plan["area_mask"])
    areas = 0.0
    if plan_areas:
        areas = len(plan_areas & _bits(investor["area_mask"])) / len(plan_areas)

    geography = 0.0
    if investor["eu_wide"] or plan["country"] in investor["countries"]:
        geography = 1.0

    funding = plan["funding"]
    if funding < investor["ticket_min"]:
        ticket = math.exp(-2 * abs(math.log(funding / investor["ticket_min"])))
    elif funding > investor["ticket_max"]:
        ticket = math.exp(-2 * abs(math.log(funding / investor["ticket_max"])))
    else:
        ticket = 1.0

    plan_instruments = _bits(plan["instrument_mask"])
    instruments = 0.0
    if plan_instruments:
        shared = plan_instruments & _bits(investor["instrument_mask"])
        instruments = len(shared) / len(plan_instruments)

    investor_stages = _bits(investor["stage_mask"]) & set(range(len(STAGES)))
    if plan["stage"] in investor_stages:
        stage = 1.0
    elif {plan["stage"] - 1, plan["stage"] + 1} & investor_stages:
        stage = 0.5
    else:
        stage = 0.0

    if plan["score"] >= investor["min_score"]:
        bankability = 1.0
    else:
        bankability = (plan["score"] / investor["min_score"]) ** 2

    parts = {
        "areas": areas,
        "geography": geography,
        "ticket": ticket,
        "instruments": instruments,
        "stage": stage,
        "bankability": bankability,
    }
    total = 100 * sum(WEIGHTS[name] * part for name, part in parts.items())
    return round(total, 1), parts


# --- Explanations ----------------------------------------------------------------------


def _identity(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _names_of(bits: set[int], names: Mapping[int, str], fallback: str) -> list[str]:
    return [names.get(bit, fallback % {"bit": bit}) for bit in sorted(bits)]


# One function per criterion, shared by `explain` (one match) and `explain_many` (a whole
# run), so both say exactly the same thing.


def _areas_reason(plan_mask: int, shared_mask: int, names, _, ngettext) -> str:
    plan_areas = _bits(plan_mask)
    shared_areas = _bits(shared_mask) & plan_areas
    if not plan_areas:
        return _("the plan names no area")
    if not shared_areas:
        return _("no shared area")
    return ngettext(
        "%(shared)d of %(total)d area: %(names)s",
        "%(shared)d of %(total)d areas: %(names)s",
        len(plan_areas),
    ) % {
        "shared": len(shared_areas),
        "total": len(plan_areas),
        "names": ", ".join(_names_of(shared_areas, names.get("areas", {}), _("area %(bit)d"))),
    }


GEOGRAPHY_EU, GEOGRAPHY_COUNTRY, GEOGRAPHY_UNKNOWN, GEOGRAPHY_OUTSIDE = range(4)


def _geography_reason(kind: int, _) -> str:
    return {
        GEOGRAPHY_EU: _("invests EU-wide"),
        GEOGRAPHY_COUNTRY: _("invests in the plan's country"),
        GEOGRAPHY_UNKNOWN: _("the plan's country is unknown"),
        GEOGRAPHY_OUTSIDE: _("the plan's country is outside the investor's geography"),
    }[kind]


TICKET_INSIDE, TICKET_BELOW, TICKET_ABOVE = range(3)


def _ticket_reason(kind: int, percent: int, _) -> str:
    if kind == TICKET_BELOW:
        return _("funding sought is %(percent)d%% below the ticket minimum") % {"percent": percent}
    if kind == TICKET_ABOVE:
        return _("funding sought is %(percent)d%% above the ticket maximum") % {"percent": percent}
    return _("ticket inside range")


def _instruments_reason(shared_mask: int, names, _) -> str:
    offered = _names_of(_bits(shared_mask), names.get("instruments", {}), _("instrument %(bit)d"))
    if not offered:
        return _("no shared financing instrument")
    if len(offered) == 1:
        return _("%(name)s offered") % {"name": offered[0]}
    if len(offered) == 2:
        return _("%(first)s and %(second)s both offered") % {
            "first": offered[0],
            "second": offered[1],
        }
    return _("%(names)s and %(last)s all offered") % {
        "names": ", ".join(offered[:-1]),
        "last": offered[-1],
    }


STAGE_FITS, STAGE_NEXT, STAGE_OUTSIDE = range(3)


def _stage_reason(kind: int, _) -> str:
    return {
        STAGE_FITS: _("stage fits"),
        STAGE_NEXT: _("stage next to the investor's stages"),
        STAGE_OUTSIDE: _("stage outside the investor's stages"),
    }[kind]


def _bankability_reason(score: float, minimum: float, _) -> str:
    template = _("bankability %(score)s ≥ %(minimum)s")
    if score < minimum:
        template = _("bankability %(score)s < %(minimum)s")
    return template % {"score": f"{score:g}", "minimum": f"{minimum:g}"}


def _ticket_kind(funding: float, ticket_min: float, ticket_max: float) -> tuple[int, int]:
    if funding < ticket_min:
        return TICKET_BELOW, round(100 * (1 - funding / ticket_min))
    if funding > ticket_max:
        return TICKET_ABOVE, round(100 * (funding / ticket_max - 1))
    return TICKET_INSIDE, 0


def _ranked(parts: Mapping[str, float]) -> list[str]:
    # Strongest contribution first; sorted() is stable, so ties keep the criteria order.
    return sorted(CRITERIA, key=lambda name: -WEIGHTS[name] * float(parts[name]))


def explain(
    parts: Mapping[str, float],
    plan_row: Mapping,
    investor_row: Mapping,
    names: Mapping[str, Mapping[int, str]],
    *,
    gettext: Callable[[str], str] = _identity,
    ngettext: Callable[[str, str, int], str] = _english_plural,
) -> list[str]:
    """Short reasons for one match, the strongest weighted part first.

    `names` maps "areas" and "instruments" to {bit: display name}. Pass Django's gettext and
    ngettext for translated fragments: the strings above are marked for makemessages.
    """
    _ = gettext
    if investor_row["eu_wide"]:
        geography = GEOGRAPHY_EU
    elif plan_row["country"] in investor_row["countries"]:
        geography = GEOGRAPHY_COUNTRY
    elif plan_row["country"] < 0:
        geography = GEOGRAPHY_UNKNOWN
    else:
        geography = GEOGRAPHY_OUTSIDE
    stage, stages = plan_row["stage"], _bits(investor_row["stage_mask"])
    if stage in stages:
        stage_kind = STAGE_FITS
    elif {stage - 1, stage + 1} & stages & set(range(len(STAGES))):
        stage_kind = STAGE_NEXT
    else:
        stage_kind = STAGE_OUTSIDE
    ticket_kind, percent = _ticket_kind(
        plan_row["funding"], investor_row["ticket_min"], investor_row["ticket_max"]
    )
    reasons = {
        "areas": _areas_reason(
            plan_row["area_mask"],
            plan_row["area_mask"] & investor_row["area_mask"],
            names,
            _,
            ngettext,
        ),
        "geography": _geography_reason(geography, _),
        "ticket": _ticket_reason(ticket_kind, percent, _),
        "instruments": _instruments_reason(
            plan_row["instrument_mask"] & investor_row["instrument_mask"], names, _
        ),
        "stage": _stage_reason(stage_kind, _),
        "bankability": _bankability_reason(plan_row["score"], investor_row["min_score"], _),
    }
    return [reasons[name] for name in _ranked(parts)]


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of `wanted` sits in `ids` (every one of them is there)."""
    order = np.argsort(ids, kind="stable")
    return order[np.searchsorted(ids, wanted, sorter=order)]


def explain_many(
    found: Matches,
    plans: PlanArrays,
    investors: InvestorArrays,
    names: Mapping[str, Mapping[int, str]],
    *,
    gettext: Callable[[str], str] = _identity,
    ngettext: Callable[[str, str, int], str] = _english_plural,
) -> list[list[str]]:
    """`explain` for every kept match at once, in the order of `found`.

    The criteria are classified with whole arrays and each distinct fragment is written
    once: a full run keeps a few hundred thousand matches but only a few thousand different
    sentences, and writing each one per match took longer than the scoring itself.
    """
    _ = gettext
    n = len(found)
    if not n:
        return []
    p = _positions(plans.ids, found.plan_ids)
    i = _positions(investors.ids, found.investor_ids)
    plan_areas = plans.area_mask[p]
    shared_areas = plan_areas & investors.area_mask[i]
    shared_instruments = plans.instrument_mask[p] & investors.instrument_mask[i]

    country = plans.country[p]
    eu_wide = investors.eu_wide[i] if investors.eu_wide is not None else np.zeros(n, bool)
    listed = np.zeros(n, bool)
    if investors.countries is not None and investors.countries.shape[1]:
        known = (country >= 0) & (country < investors.countries.shape[1])
        listed[known] = investors.countries[i[known], country[known]]
    geography = np.select(
        [eu_wide, listed, country < 0], [GEOGRAPHY_EU, GEOGRAPHY_COUNTRY, GEOGRAPHY_UNKNOWN],
        GEOGRAPHY_OUTSIDE,
    )  # fmt: skip

    stage = plans.stage[p].astype(np.int64)
    stage_mask = investors.stage_mask[i]
    fits = (stage_mask >> stage) & 1 == 1
    below = (stage > 0) & ((stage_mask >> np.maximum(stage - 1, 0)) & 1 == 1)
    above = (stage + 1 < len(STAGES)) & ((stage_mask >> (stage + 1)) & 1 == 1)
    stage_kind = np.select([fits, below | above], [STAGE_FITS, STAGE_NEXT], STAGE_OUTSIDE)

    funding = plans.funding[p].tolist()
    ticket_min = investors.ticket_min[i].tolist()
    ticket_max = investors.ticket_max[i].tolist()
    scores, minimums = plans.score[p].tolist(), investors.min_score[i].tolist()

    # The same ranking as `explain`, on the parts as `Matches.rows` gives them.
    weighted = np.column_stack(
        [-WEIGHTS[name] * np.round(found.parts[name].astype(np.float64), 6) for name in CRITERIA]
    )
    ranking = np.argsort(weighted, axis=1, kind="stable").tolist()

    geography_text = [_geography_reason(kind, _) for kind in range(4)]
    stage_text = [_stage_reason(kind, _) for kind in range(3)]
    areas_text, instruments_text, ticket_text, bankability_text = {}, {}, {}, {}
    reasons = []
    rows = zip(
        plan_areas.tolist(), shared_areas.tolist(), shared_instruments.tolist(),
        geography.tolist(), stage_kind.tolist(), ranking, strict=True,
    )  # fmt: skip
    for k, (plan_mask, shared_mask, instrument_mask, where, stage_at, order) in enumerate(rows):
        areas = areas_text.get((plan_mask, shared_mask))
        if areas is None:
            areas = _areas_reason(plan_mask, shared_mask, names, _, ngettext)
            areas_text[(plan_mask, shared_mask)] = areas
        instruments = instruments_text.get(instrument_mask)
        if instruments is None:
            instruments = _instruments_reason(instrument_mask, names, _)
            instruments_text[instrument_mask] = instruments
        ticket_key = _ticket_kind(funding[k], ticket_min[k], ticket_max[k])
        ticket = ticket_text.get(ticket_key)
        if ticket is None:
            ticket = ticket_text[ticket_key] = _ticket_reason(*ticket_key, _)
        bankability_key = (scores[k], minimums[k])
        bankability = bankability_text.get(bankability_key)
        if bankability is None:
            bankability = _bankability_reason(*bankability_key, _)
            bankability_text[bankability_key] = bankability
        fragments = (
            areas,
            geography_text[where],
            ticket,
            instruments,
            stage_text[stage_at],
            bankability,
        )
        reasons.append([fragments[j] for j in order])
    return reasons
