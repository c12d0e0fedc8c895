"""The four chart tabs that the Value view and the Team view share: their order and titles, a chart
made for a tab, swapped in for the tab's placeholder when first shown, and typed access to each."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from desktop_app.ui.charts.groups import GroupChart
from desktop_app.ui.charts.over_time import OverTimeChart
from desktop_app.ui.charts.usage_value import UsageValueChart

TAB_TITLES = ("Over time", "By tool", "By label", "Usage vs value")
OVER_TIME, BY_TOOL, BY_LABEL, USAGE_VALUE = range(4)

#: A chart of one tab.
Chart = OverTimeChart | GroupChart | UsageValueChart


def new_chart(index: int) -> Chart:
    """The chart of tab ``index``, not yet given figures."""
    if index == OVER_TIME:
        return OverTimeChart()
    if index == BY_TOOL:
        return GroupChart("tool")
    if index == BY_LABEL:
        return GroupChart("label")
    return UsageValueChart()


def put_in_tab(tabs: QTabWidget, index: int, chart: Chart) -> None:
    """Put ``chart`` in tab ``index`` in place of its placeholder, keeping the tab shown."""
    current = tabs.currentIndex()
    placeholder = tabs.widget(index)
    tabs.blockSignals(True)
    tabs.removeTab(index)
    tabs.insertTab(index, chart.widget, TAB_TITLES[index])
    tabs.setCurrentIndex(current)
    tabs.blockSignals(False)
    if placeholder is not None:
        placeholder.deleteLater()


class ChartTabs:
    """Typed access to a view's four charts, each built and brought up to date on first use
    (by the view's :meth:`_chart`)."""

    def _chart(self, index: int) -> Chart:
        raise NotImplementedError

    @property
    def over_time(self) -> OverTimeChart:
        """The over-time chart, with the figures shown."""
        chart = self._chart(OVER_TIME)
        assert isinstance(chart, OverTimeChart)
        return chart

    @property
    def by_tool(self) -> GroupChart:
        """The by-tool chart, with the figures shown."""
        chart = self._chart(BY_TOOL)
        assert isinstance(chart, GroupChart)
        return chart

    @property
    def by_label(self) -> GroupChart:
        """The by-label chart, with the figures shown."""
        chart = self._chart(BY_LABEL)
        assert isinstance(chart, GroupChart)
        return chart

    @property
    def usage_value(self) -> UsageValueChart:
        """The usage-vs-value chart, with the figures shown."""
        chart = self._chart(USAGE_VALUE)
        assert isinstance(chart, UsageValueChart)
        return chart
