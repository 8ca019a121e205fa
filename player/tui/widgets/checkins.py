"""The check-in chart: a plotext scatter on a fixed 0 to 10 scale, "before" and "after" each check-in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label
from textual_plotext import PlotextPlot

from player.core.calendar import day_label
from player.core.checkins import CheckInSummary


class CheckInChart(Vertical):
    """The chart (oldest check-in on the left), and the change from before to after in words."""

    def compose(self) -> ComposeResult:
        yield PlotextPlot(id="trend-plot")
        yield Label("", id="trend-words")

    def show(self, found: CheckInSummary) -> None:
        plot = self.query_one("#trend-plot", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        numbers = list(range(1, len(found.points) + 1))
        befores = [(n, b) for n, (_, b, _) in zip(numbers, found.points, strict=True) if b is not None]
        afters = [(n, a) for n, (_, _, a) in zip(numbers, found.points, strict=True) if a is not None]
        if befores:
            plt.scatter([n for n, _ in befores], [b for _, b in befores], marker="○")
        if afters:
            plt.scatter([n for n, _ in afters], [a for _, a in afters], marker="●")
        plt.ylim(0, 10)
        plt.yticks([0, 2, 4, 6, 8, 10])
        plt.xlim(0.5, max(len(numbers), 1) + 0.5)
        # The days on the axis: the first, the last and (with room) the one between.
        shown = sorted({numbers[0], numbers[len(numbers) // 2], numbers[-1]}) if numbers else []
        plt.xticks([float(n) for n in shown], [day_label(found.points[n - 1][0]) for n in shown])
        plot.refresh()
        # The key is said below the chart: inside it, it would hide answers of 9 and 10.
        key = "○ before practice   ● after" if found.points else ""
        self.query_one("#trend-words", Label).update("\n".join(x for x in (key, found.words()) if x))
