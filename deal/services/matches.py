"""Writes in Deal: investor profiles, saved and dismissed plans, and the matches kept.

Re-scoring writes the Match table in one transaction per run, so readers see the old set
or the new one, never a half-written mix. On PostgreSQL those transactions also take a
table lock that excludes other writers (not readers), so a single-plan re-score and the
full run never insert the same pair at once.
"""

import io
import json
import time
import uuid
from collections import defaultdict
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import NotificationKind, Role, User
from accounts.services import notify
from deal import matching, permissions, selectors
from deal.models import InvestorProfile, Match, MatchDecision
from explore.models import Area
from marketplace import jobs
from marketplace.errors import NotAllowed, StateConflict
from shape.models import Instrument, ProjectPlan

PER_PLAN = 20
PER_INVESTOR = 50
PROFILE_FIELDS = [
    "kind",
    "ticket_min_eur",
    "ticket_max_eur",
    "eu_wide",
    "countries",
    "stages",
    "min_bankability",
    "exclusions",
    "visibility",
    "is_active",
]
WRITE_BATCH = 5000


# --- Investor profiles ------------------------------------------------------------------


@transaction.atomic
def investor_profile_save(*, organisation, actor, data: dict) -> InvestorProfile:
    """Create or change the organisation's profile; its matches are re-scored after commit."""
    if not permissions.can_keep_investor_profile(actor, organisation):
        raise NotAllowed(_("Only confirmed investors of this organisation keep its profile."))
    profile = InvestorProfile.objects.select_for_update().filter(
        organisation=organisation
    ).first() or InvestorProfile(organisation=organisation)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    if profile.eu_wide and "countries" not in data:
        profile.countries = profile.countries or []
    profile.updated_by = actor
    profile.full_clean(exclude=["organisation", "updated_by"])
    profile.save()
    for name in ("areas", "instruments"):
        if name in data:
            getattr(profile, name).set(data[name])
    jobs.enqueue("deal.tasks.rescore_profile", profile.pk)
    return profile


def investor_profile_set_active(*, profile, actor, active: bool) -> InvestorProfile:
    """Pause (no new matches, requests refused) or resume the profile."""
    if profile.is_active == active:
        message = _("The profile is already active.") if active else _("It is already paused.")
        raise StateConflict(message)
    return investor_profile_save(
        organisation=profile.organisation, actor=actor, data={"is_active": active}
    )


# --- Saved and dismissed plans ----------------------------------------------------------


@transaction.atomic
def match_decide(*, profile, plan, actor, decision: str) -> MatchDecision:
    """Save a plan for later, or dismiss it until it changes; the latest word counts."""
    if not permissions.can_decide_on_match(actor, profile):
        raise NotAllowed(_("Only confirmed investors of this organisation decide on its plans."))
    if decision not in MatchDecision.Decision.values:
        raise StateConflict(_("Choose to save or to dismiss the plan."))
    if not Match.objects.filter(profile=profile, plan=plan).exists():
        saved = MatchDecision.objects.filter(
            profile=profile, plan=plan, decision=MatchDecision.Decision.SAVED
        )
        # A saved plan may have left the matches since; dismissing it must still work.
        if not saved.exists():
            raise StateConflict(_("This plan is not among the plans matched to you."))
    choice, _created = MatchDecision.objects.update_or_create(
        profile=profile,
        plan=plan,
        defaults={
            "decision": decision,
            "plan_updated_at": plan.updated_at,
            "decided_by": actor,
        },
    )
    return choice


@transaction.atomic
def match_decision_clear(*, profile, plan, actor) -> None:
    """Forget a save or a dismissal: the plan shows as any other match again."""
    if not permissions.can_decide_on_match(actor, profile):
        raise NotAllowed(_("Only confirmed investors of this organisation decide on its plans."))
    MatchDecision.objects.filter(profile=profile, plan=plan).delete()


# --- Scoring: rows, storage, announcements ----------------------------------------------


def _names() -> dict:
    """Area and instrument names by their bit, for the reasons shown with each match."""
    instrument_names = dict(Instrument.objects.values_list("pk", "name"))
    return {
        "areas": dict(Area.objects.filter(bit__isnull=False).values_list("bit", "name")),
        "instruments": {
            bit: instrument_names[pk] for pk, bit in selectors.instrument_bits().items()
        },
    }


def _match_values(found: matching.Matches, plans, investors) -> list[tuple]:
    """(plan id, profile id, score, parts, reasons) for every kept match: the score a float
    of one decimal, the parts a tuple in the order of `matching.CRITERIA`."""
    reasons = matching.explain_many(found, plans, investors, _names(), gettext=_, ngettext=ngettext)
    totals = np.round(found.totals.astype(np.float64), 1).tolist()
    parts = zip(
        *(np.round(found.parts[name].astype(np.float64), 4).tolist() for name in matching.CRITERIA),
        strict=True,
    )
    return list(
        zip(
            found.plan_ids.tolist(),
            found.investor_ids.tolist(),
            totals,
            parts,
            reasons,
            strict=True,
        )
    )


def _lock_matches() -> None:
    """Exclude other writers of the Match table until this transaction ends (PostgreSQL).

    SHARE ROW EXCLUSIVE conflicts with itself and with plain writes, not with reads.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{Match._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
            # Short index lookups: compiling them (JIT) would cost more than running them.
            cursor.execute("SET LOCAL jit = off")


def _can_copy() -> bool:
    return connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg2"


COLUMNS = "plan_id, profile_id, score, parts, reasons, computed_at"


def _store(values: list[tuple], progress=None) -> None:
    """Insert the rows: COPY on PostgreSQL (several times faster), bulk_create elsewhere."""
    now = timezone.now()
    for start in range(0, len(values), WRITE_BATCH):
        batch = values[start : start + WRITE_BATCH]
        if _can_copy():
            _copy(batch, now, table=Match._meta.db_table)
        else:
            Match.objects.bulk_create(
                [
                    Match(
                        plan_id=plan_id,
                        profile_id=profile_id,
                        score=Decimal(f"{score:.1f}"),
                        parts=dict(zip(matching.CRITERIA, parts, strict=True)),
                        reasons=reasons,
                        computed_at=now,
                    )
                    for plan_id, profile_id, score, parts, reasons in batch
                ],
                batch_size=1000,
            )
        if progress is not None:
            progress.step(min(start + WRITE_BATCH, len(values)), len(values))


def _replace_all(values: list[tuple], progress=None) -> int:
    """Make `values` the whole Match table. Call inside the swap's transaction.

    On PostgreSQL the rows go to a temporary table first, and three set-based statements
    then delete the pairs no longer kept, update the pairs whose score, parts or reasons
    changed, and insert the new ones: a nightly run that finds mostly the same matches
    rewrites only what changed. Elsewhere: delete everything and insert anew. Returns how
    many rows were deleted, updated or inserted.
    """
    if not _can_copy():
        Match.objects.all().delete()
        _store(values, progress)
        return len(values)
    table = Match._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        # Dropped at commit; a run inside a longer transaction (a test) may find it still there.
        cursor.execute("DROP TABLE IF EXISTS match_stage")
        cursor.execute(
            "CREATE TEMPORARY TABLE match_stage ON COMMIT DROP AS "  # noqa: S608 - constants
            f'SELECT {COLUMNS} FROM "{table}" WITH NO DATA'
        )
        for start in range(0, len(values), WRITE_BATCH):
            _copy(values[start : start + WRITE_BATCH], now, table="match_stage")
            if progress is not None:
                progress.step(min(start + WRITE_BATCH, len(values)), len(values))
        cursor.execute("ANALYZE match_stage")
        same_pair = "kept.plan_id = stage.plan_id AND kept.profile_id = stage.profile_id"
        cursor.execute(
            f'DELETE FROM "{table}" AS kept WHERE NOT EXISTS '  # noqa: S608 - constants only
            f"(SELECT 1 FROM match_stage AS stage WHERE {same_pair})"
        )
        changed = cursor.rowcount
        cursor.execute(
            f'UPDATE "{table}" AS kept SET score = stage.score, parts = stage.parts, '  # noqa: S608
            "reasons = stage.reasons, computed_at = stage.computed_at "
            f"FROM match_stage AS stage WHERE {same_pair} AND "
            "(kept.score, kept.parts, kept.reasons) IS DISTINCT FROM "
            "(stage.score, stage.parts, stage.reasons)"
        )
        changed += cursor.rowcount
        cursor.execute(
            f'INSERT INTO "{table}" ({COLUMNS}) SELECT {COLUMNS} '  # noqa: S608
            f"FROM match_stage AS stage WHERE NOT EXISTS "
            f'(SELECT 1 FROM "{table}" AS kept WHERE {same_pair})'
        )
        return changed + cursor.rowcount


def _copy(batch: list[tuple], now, *, table: str) -> None:
    """COPY the rows in PostgreSQL's text format, every fragment JSON-encoded only once."""
    stamp = now.isoformat()
    parts_json = "{" + ",".join(f'"{name}":%r' for name in matching.CRITERIA) + "}"
    encoded: dict[str, str] = {}
    lines = []
    for plan_id, profile_id, score, parts, reasons in batch:
        fragments = []
        for reason in reasons:
            text = encoded.get(reason)
            if text is None:
                # JSON escapes tabs and newlines as \t and \n; COPY then needs each backslash
                # doubled.
                text = json.dumps(reason, ensure_ascii=False).replace("\\", "\\\\")
                encoded[reason] = text
            fragments.append(text)
        lines.append(
            f"{plan_id}\t{profile_id}\t{score:.1f}\t{parts_json % parts}\t"
            f"[{','.join(fragments)}]\t{stamp}\n"
        )
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f'COPY "{table}" ({COLUMNS}) FROM STDIN', io.StringIO("".join(lines))
        )


def _strong_pairs(matches) -> set[tuple[int, int]]:
    return set(
        matches.filter(score__gte=settings.DEAL_STRONG_MATCH_SCORE).values_list(
            "plan_id", "profile_id"
        )
    )


def _announce(values: list[tuple], strong_before: set[tuple[int, int]]) -> int:
    """Tell both sides of every pair that became a strong match in this run.

    A pair is announced when it crosses the threshold, so a nightly run that finds the same
    matches again announces nothing. Each person gets one notification per run: naming the
    plan or investor when there is one new pair, counting them when there are several.
    """
    threshold = settings.DEAL_STRONG_MATCH_SCORE
    new = [
        (plan_id, profile_id)
        for plan_id, profile_id, score, _parts, _reasons in values
        if score >= threshold and (plan_id, profile_id) not in strong_before
    ]
    if not new:
        return 0
    plans = {
        pk: (title, promoter_id)
        for pk, title, promoter_id in ProjectPlan.objects.filter(
            pk__in={pair[0] for pair in new}
        ).values_list("pk", "title", "promoter_id")
    }
    profiles, organisation_names = {}, {}
    for pk, organisation_id, name in InvestorProfile.objects.filter(
        pk__in={pair[1] for pair in new}
    ).values_list("pk", "organisation_id", "organisation__name"):
        profiles[pk], organisation_names[pk] = organisation_id, name
    investors_by_organisation = defaultdict(list)
    for person in User.objects.filter(
        organisation_id__in=set(profiles.values()),
        organisation_confirmed=True,
        is_active=True,
        role_grants__role=Role.INVESTOR,
    ).distinct():
        investors_by_organisation[person.organisation_id].append(person)
    for_investors, for_promoters = defaultdict(list), defaultdict(list)
    for plan_id, profile_id in new:
        for person in investors_by_organisation[profiles[profile_id]]:
            for_investors[person].append(plan_id)
        for_promoters[plans[plan_id][1]].append((plan_id, profile_id))
    for person, plan_ids in for_investors.items():
        if len(plan_ids) == 1:
            title = format_lazy(
                gettext_lazy("A strong new match for you: {plan}"), plan=plans[plan_ids[0]][0]
            )
        else:
            title = format_lazy(
                gettext_lazy("{count} strong new matches for you"), count=len(plan_ids)
            )
        notify(
            recipient=person,
            kind=NotificationKind.MATCH,
            title=title,
            url=reverse("deal:plans-for-you"),
        )
    promoters = {person.pk: person for person in User.objects.filter(pk__in=for_promoters)}
    for promoter_id, pairs in for_promoters.items():
        plan_id, profile_id = pairs[0]
        if len(pairs) == 1:
            title = format_lazy(
                gettext_lazy("{investor} is a strong match for {plan}"),
                investor=organisation_names[profile_id],
                plan=plans[plan_id][0],
            )
        else:
            title = format_lazy(
                gettext_lazy("{count} strong new investor matches for your plans"), count=len(pairs)
            )
        notify(
            recipient=promoters[promoter_id],
            kind=NotificationKind.MATCH,
            title=title,
            url=reverse("deal:plan-investors", args=[plan_id]),
        )
    return len(new)


# --- Re-scoring -------------------------------------------------------------------------


def matches_rescore_all(*, run_id: str | None = None) -> int:
    """Score every bankable plan against every active profile and swap the results in.

    With a `run_id`, the run's phases and figures are written to the cache for the
    curators' progress page (see `rescore_progress`).
    """
    progress = RescoreProgress(run_id)
    progress.start()
    plans = selectors.bankable_plan_arrays()
    investors = selectors.active_profile_arrays()
    progress.update(phase="scoring", plans=len(plans), profiles=len(investors))
    values = []
    if len(plans) and len(investors):
        found = matching.top_matches(
            plans,
            investors,
            per_plan=PER_PLAN,
            per_investor=PER_INVESTOR,
            on_chunk=progress.step,
        )
        progress.update(phase="explaining", done=0, total=0)
        values = _match_values(found, plans, investors)
    progress.update(phase="writing", done=0, total=len(values))
    with transaction.atomic():
        _lock_matches()
        strong_before = _strong_pairs(Match.objects.all())
        changed = _replace_all(values, progress)
        announced = _announce(values, strong_before)
    if changed > len(values) // 10:
        _vacuum_matches()
    progress.finish(matches=len(values), changed=changed, announced=announced)
    return len(values)


def _vacuum_matches() -> None:
    """After a run rewrote much of the table, refresh its statistics and visibility map at
    once rather than when autovacuum comes by: the single-plan re-scores and the pages read
    it through index-only scans, which visit the table itself until then (3x slower)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM (ANALYZE) "{Match._meta.db_table}"')


@transaction.atomic
def matches_rescore_plan(*, plan_id: int) -> int:
    """Re-score one plan against every active profile (it may have left the bankable state)."""
    _lock_matches()
    ProjectPlan.objects.select_for_update().filter(pk=plan_id).exists()
    current = Match.objects.filter(plan_id=plan_id)
    strong_before = _strong_pairs(current)
    current.delete()
    plans = selectors.bankable_plan_arrays(plan_ids=[plan_id])
    investors = selectors.active_profile_arrays()
    if not len(plans.ids) or not len(investors.ids):
        return 0
    found = matching.top_matches(plans, investors, per_plan=PER_PLAN, per_investor=1)
    values = _match_values(_kept(found, side="plan"), plans, investors)
    _store(values)
    _announce(values, strong_before)
    return len(values)


@transaction.atomic
def matches_rescore_profile(*, profile_id: int) -> int:
    """Re-score one profile against every bankable plan (a paused profile loses its matches)."""
    _lock_matches()
    current = Match.objects.filter(profile_id=profile_id)
    strong_before = _strong_pairs(current)
    current.delete()
    investors = selectors.active_profile_arrays(profile_ids=[profile_id])
    plans = selectors.bankable_plan_arrays()
    if not len(plans.ids) or not len(investors.ids):
        return 0
    found = matching.top_matches(plans, investors, per_plan=1, per_investor=PER_INVESTOR)
    values = _match_values(_kept(found, side="profile"), plans, investors)
    _store(values)
    _announce(values, strong_before)
    return len(values)


# One plan (or profile) re-scored against everything else: its pairs are kept as the full
# run would keep them. A pair stays when it is among the plan's best 20 (the profile's best
# 50), or when it enters the other side's best 50 (20); the pair it pushes out of that top
# is deleted, unless that pair is still in its own other top. Ranks break ties like the full
# run: the smaller id first. A newcomer thus gets exactly what a full run would give; the
# places a changed or departed plan (profile) frees in other tops are refilled by the
# nightly full run, not here.
KEEP = {"plan": PER_PLAN, "profile": PER_INVESTOR}
OTHER = {"plan": "profile", "profile": "plan"}


def _kept(found: matching.Matches, *, side: str) -> matching.Matches:
    """The pairs of the one re-scored `side` ("plan" or "profile") worth keeping.

    `found` holds that one plan (profile) against everything on the other side. Must run
    inside the re-score's transaction, after its old pairs were deleted.
    """
    other = OTHER[side]
    others = found.investor_ids if side == "plan" else found.plan_ids
    tenths = np.rint(found.totals.astype(np.float64) * 10).astype(np.int64)
    # Its own top: best total first, then the smaller id of the other side.
    own_top = np.zeros(len(found), bool)
    own_top[np.lexsort((others, -tenths))[: KEEP[side]]] = True
    # Entering the other side's top: beat the one now last in it, or find it not full. The
    # last one's total alone is cheap to read for every owner; who exactly it is (to break a
    # tie, or to push it out) only for the owners this one reaches.
    floor = _kth_score(group=other, ids=others.tolist(), k=KEEP[other])
    reaching = [
        owner
        for owner, t in zip(others.tolist(), tenths.tolist(), strict=True)
        if owner in floor and t >= floor[owner]
    ]
    last = _kth_best(group=other, ids=reaching, k=KEEP[other])
    own_ids = found.plan_ids if side == "plan" else found.investor_ids
    own_id = int(own_ids[0]) if len(found) else 0
    enters = np.array(
        [
            (owner not in floor)
            or (owner in last and (t, -own_id) > (last[owner][0], -last[owner][1]))
            for owner, t in zip(others.tolist(), tenths.tolist(), strict=True)
        ],
        dtype=bool,
    )
    keep = own_top | enters
    pushed = [(owner, last[owner][1]) for owner in others[enters].tolist() if owner in last]
    _push_out(side=other, pairs=pushed)
    return matching.Matches(
        plan_ids=found.plan_ids[keep],
        investor_ids=found.investor_ids[keep],
        totals=found.totals[keep],
        parts={name: values[keep] for name, values in found.parts.items()},
    )


def _kth_score(*, group: str, ids: list[int], k: int) -> dict[int, int]:
    """For each plan (profile) in `ids` with at least `k` matches: the total (in tenths) of
    its k-th best match. On PostgreSQL an index-only scan of k entries per owner."""
    if not ids:
        return {}
    if connection.vendor != "postgresql":
        return {owner: best[0] for owner, best in _kth_best(group=group, ids=ids, k=k).items()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT owner.id, chosen.score "  # noqa: S608 - constants only
            "FROM unnest(%s::bigint[]) AS owner(id) CROSS JOIN LATERAL ("
            f'  SELECT score FROM "{Match._meta.db_table}"'
            f"  WHERE {group}_id = owner.id ORDER BY score DESC LIMIT 1 OFFSET %s"
            ") AS chosen",
            [ids, k - 1],
        )
        return {owner: int(score * 10) for owner, score in cursor.fetchall()}


def _kth_best(*, group: str, ids: list[int], k: int) -> dict[int, tuple[int, int]]:
    """For each plan (profile) in `ids` with at least `k` matches: its k-th best match as
    (total in tenths, the other side's id), ranked best total first, then smaller id."""
    if not ids:
        return {}
    other = "profile_id" if group == "plan" else "plan_id"
    if connection.vendor == "postgresql":
        # One short index scan per owner, instead of ranking every match of every owner.
        with connection.cursor() as cursor:
            # Every name in the query is one of this module's constants.
            query = (
                f"SELECT owner.id, chosen.score, chosen.{other} "  # noqa: S608
                "FROM unnest(%s::bigint[]) AS owner(id) CROSS JOIN LATERAL ("
                f'  SELECT score, {other} FROM "{Match._meta.db_table}"'
                f"  WHERE {group}_id = owner.id ORDER BY score DESC, {other} LIMIT 1 OFFSET %s"
                ") AS chosen"
            )
            cursor.execute(
                query,
                [ids, k - 1],
            )
            rows = cursor.fetchall()
    else:
        rows = (
            Match.objects.filter(**{f"{group}_id__in": ids})
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F(f"{group}_id"),
                    order_by=[F("score").desc(), F(other)],
                )
            )
            .filter(rank=k)
            .values_list(f"{group}_id", "score", other)
        )
    return {owner: (int(score * 10), other_id) for owner, score, other_id in rows}


def _push_out(*, side: str, pairs: list[tuple[int, int]]) -> None:
    """Delete the pairs (side id, other id) just pushed out of `side`'s top, except those
    still among the best of their other side."""
    if not pairs:
        return
    other = OTHER[side]
    rows = Match.objects.filter(
        **{
            f"{side}_id__in": {owner for owner, _ in pairs},
            f"{other}_id__in": {other_id for _, other_id in pairs},
        }
    ).values_list(f"{side}_id", f"{other}_id", "score")
    scores = {(owner, other_id): score for owner, other_id, score in rows}
    last = _kth_best(group=other, ids=list({other_id for _, other_id in pairs}), k=KEEP[other])
    doomed = []
    for owner, other_id in pairs:
        score = scores.get((owner, other_id))
        if score is None:
            continue
        tenths = int(score * 10)
        limit = last.get(other_id)
        # Still in the other side's top (which is not full, or which it does not trail)?
        if limit is None or (tenths, -owner) >= (limit[0], -limit[1]):
            continue
        doomed.append(Q(**{f"{side}_id": owner, f"{other}_id": other_id}))
    if doomed:
        condition = doomed[0]
        for extra in doomed[1:]:
            condition |= extra
        Match.objects.filter(condition).delete()


# --- The curators' on-demand full run ---------------------------------------------------

RESCORE_LOCK_KEY = "deal:rescore:lock"
RESCORE_LATEST_KEY = "deal:rescore:latest"
PROGRESS_TTL = 7 * 24 * 3600


def _progress_key(run_id: str) -> str:
    return f"deal:rescore:run:{run_id}"


def _lock_ttl() -> int:
    # Longer than any run may last (Celery kills it at the time limit), so a worker that
    # died mid-run cannot hold the lock forever.
    return settings.CELERY_TASK_TIME_LIMIT + 60


class RescoreProgress:
    """A full run's phase, chunks done / total and final figures, kept in the cache."""

    def __init__(self, run_id: str | None):
        self.run_id = run_id
        self.started = self.phase_started = time.monotonic()
        self.state: dict = {}

    def _write(self) -> None:
        if self.run_id:
            cache.set(_progress_key(self.run_id), self.state, PROGRESS_TTL)

    def start(self) -> None:
        if not self.run_id:
            return
        self.state = cache.get(_progress_key(self.run_id)) or {"run_id": self.run_id}
        self.state.update(status="running", phase="loading", done=0, total=0, phases={})
        self.phase_started = time.monotonic()
        self.state.update(plans=None, profiles=None, requested_by=self.state.get("requested_by"))
        self.state["started_at"] = timezone.now().isoformat()
        self._write()

    def update(self, **changes) -> None:
        phase = changes.get("phase")
        if phase and phase != self.state.get("phase"):
            # Seconds spent in each phase, for the curators' page and the benchmark.
            now = time.monotonic()
            previous = self.state.get("phase")
            if previous:
                phases = self.state.setdefault("phases", {})
                phases[previous] = round(now - self.phase_started, 2)
            self.phase_started = now
        self.state.update(changes)
        self._write()

    def step(self, done: int, total: int) -> None:
        self.update(done=done, total=total)

    def finish(self, **figures) -> None:
        self.update(
            status="done",
            phase="done",
            seconds=round(time.monotonic() - self.started, 1),
            finished_at=timezone.now().isoformat(),
            **figures,
        )


def rescore_progress(run_id: str | None = None) -> dict | None:
    """A run's progress (the latest run when no id is given), or None if unknown."""
    run_id = run_id or cache.get(RESCORE_LATEST_KEY)
    if not run_id:
        return None
    return cache.get(_progress_key(run_id))


def rescore_running() -> bool:
    return cache.get(RESCORE_LOCK_KEY) is not None


def matches_rescore_request(*, actor) -> str:
    """A curator asks for a full re-score now; returns the run's id for its progress page.

    Only one full run at a time: a second click while one is queued or running is refused.
    """
    if not permissions.can_run_full_rescore(actor):
        raise NotAllowed(_("Only curators start a full re-score."))
    run_id = uuid.uuid4().hex
    if not cache.add(RESCORE_LOCK_KEY, run_id, _lock_ttl()):
        raise StateConflict(_("A full re-score is already running; wait for it to finish."))
    state = {
        "run_id": run_id,
        "status": "queued",
        "phase": "queued",
        "done": 0,
        "total": 0,
        "requested_by": str(actor),
        "requested_at": timezone.now().isoformat(),
        "plans": None,
        "profiles": None,
    }
    cache.set(_progress_key(run_id), state, PROGRESS_TTL)
    cache.set(RESCORE_LATEST_KEY, run_id, PROGRESS_TTL)
    with transaction.atomic():
        jobs.enqueue("deal.tasks.rescore_all", run_id)
    return run_id


def matches_rescore_run(*, run_id: str | None = None) -> int | None:
    """The task's body: run under the lock; None when another full run holds it."""
    if run_id is None:
        # The nightly run takes the lock itself and steps aside if a curator's run is on.
        run_id = uuid.uuid4().hex
        if not cache.add(RESCORE_LOCK_KEY, run_id, _lock_ttl()):
            return None
        cache.set(_progress_key(run_id), {"run_id": run_id, "requested_by": "schedule"})
        cache.set(RESCORE_LATEST_KEY, run_id, PROGRESS_TTL)
    elif cache.get(RESCORE_LOCK_KEY) != run_id:
        # A redelivered message of a run that finished (or lost its lock): nothing to do.
        state = cache.get(_progress_key(run_id))
        if state and state.get("status") == "done":
            return None
        if not cache.add(RESCORE_LOCK_KEY, run_id, _lock_ttl()):
            return None
    try:
        return matches_rescore_all(run_id=run_id)
    except Exception:
        state = cache.get(_progress_key(run_id)) or {"run_id": run_id}
        state.update(status="failed", phase="failed")
        cache.set(_progress_key(run_id), state, PROGRESS_TTL)
        raise
    finally:
        if cache.get(RESCORE_LOCK_KEY) == run_id:
            cache.delete(RESCORE_LOCK_KEY)
