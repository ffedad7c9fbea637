"""The printed result: each figure, its goal, and whether the goal was met."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    measure: str
    figure: str
    goal: str = ""
    met: bool | None = None  # None: shown for context, no goal of its own

    @property
    def verdict(self) -> str:
        if self.met is None:
            return ""
        return "PASS" if self.met else "FAIL"


def latency_row(measure: str, milliseconds: float, *, limit_ms: float | None = None) -> Row:
    if limit_ms is None:
        return Row(measure, f"{milliseconds:.1f} ms")
    return Row(measure, f"{milliseconds:.1f} ms", f"<= {limit_ms:g} ms", milliseconds <= limit_ms)


def throughput_row(
    measure: str, requests_per_second: float, *, baseline: float, minimum_share: float
) -> Row:
    share = requests_per_second / baseline
    return Row(
        measure,
        f"{requests_per_second:,.0f} req/s = {share:.3f} x B",
        f">= {minimum_share:g} x B",
        share >= minimum_share,
    )


def table(rows: list[Row]) -> str:
    header = Row("measure", "figure", "goal")
    every = [header, *rows]
    measure_width = max(len(row.measure) for row in every)
    figure_width = max(len(row.figure) for row in every)
    goal_width = max(len(row.goal) for row in every)
    lines = [
        "  ".join([
            row.measure.ljust(measure_width),
            row.figure.rjust(figure_width),
            row.goal.ljust(goal_width),
            "result" if row is header else row.verdict,
        ]).rstrip()
        for row in every
    ]  # fmt: skip
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def missed(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.met is False]
