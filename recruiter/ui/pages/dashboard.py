"""Dashboard: KPI tiles and QtCharts over the same report layer as the leadership workbook, so the
numbers on screen and in Excel can never disagree. Queries run off the GUI thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from recruiter import i18n
from recruiter.domain import clock
from recruiter.domain.changes import Kind
from recruiter.domain.enums import STAGES, Stage
from recruiter.domain.money import format_amount
from recruiter.i18n import N_, _
from recruiter.services import reporting, settings
from recruiter.services.reporting import FilterOptions, Filters, FundingRow, Report
from recruiter.store.database import Database

from ..context import AppContext
from ..dashboard_payments import PaymentsOutlook
from ..gate_dashboard import ApprovalsBoard
from ..ops import Reader
from ..qt import Qt, QtCharts, QtCore, QtGui, QtWidgets
from ..stage_filter import StageFilter, stored_stages
from ..tasks import show_error
from ..visa_dashboard import VisaTiles
from .base import Page

PERIODS: tuple[tuple[str, int | None], ...] = (
    (N_("All time"), None),
    (N_("Last 30 days"), 30),
    (N_("Last 90 days"), 90),
    (N_("Last 12 months"), 365),
)
STAGES_KEY = "filters/dashboard/stages"
MAX_BARS = 12  # targets / sources shown in a chart; the workbook has them all


@dataclass(frozen=True)
class Loaded:
    options: FilterOptions
    report: Report
    zone: tzinfo  # the office's time zone: what "today" means for the period filter


def load(
    db: Database, filters: Filters, as_of: date | None = None, days: int | None = None
) -> Loaded:
    """Everything the page shows (runs in a worker thread; returns plain values). With `days`,
    the period is the last `days` days up to `as_of` or the office's today, read here."""
    zone = settings.office_zone(db)
    if days:
        today = as_of or clock.today_in(zone)
        filters = replace(filters, date_from=today - timedelta(days=days), date_to=today)
    report = reporting.build(db, filters, as_of, detail=False)
    return Loaded(reporting.filter_options(db), report, zone)


def tile_text(value: Any, kind: str, currency: str) -> str:
    """A KPI value as a tile shows it (compact money; the tooltip has the exact amount)."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "money":
        if abs(value) >= 100 * 1_000_000:  # ¥120M in English, ¥1.2亿 in Chinese (Babel's way)
            return i18n.format_money_compact(value, currency)
        return format_amount(value, currency)
    return f"{value:,}"


class Tile(QtWidgets.QFrame):
    def __init__(self, label: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.value = QtWidgets.QLabel("—")
        self.value.setObjectName("kpiValue")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QtWidgets.QLabel(label)
        self.caption.setWordWrap(True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


def _chart_view(title: str) -> QtCharts.QChartView:
    chart = QtCharts.QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QtCharts.QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QtCharts.QChartView(chart)
    view.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(340)  # room for a label on every bar of MAX_BARS
    return view


class DashboardPage(Page):
    """Tiles and charts for the chosen institution, target and period; click a bar to drill in."""

    name = N_("Dashboard")
    watches = frozenset(
        {
            Kind.application,
            Kind.stage_event,
            Kind.offer,
            Kind.offer_item,
            Kind.funding_source,
            Kind.target,
            Kind.institution,
            Kind.activity,
            Kind.candidate,
            Kind.exchange_rate,
            Kind.setting,
        }
    )
    loaded = QtCore.Signal(object)  # the Report shown, after each refresh

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: Report | None = None
        self.filters = Filters()
        self.as_of: date | None = None  # None: today in the office's time zone
        self.zone: tzinfo = ZoneInfo(settings.DEFAULT_TIME_ZONE)  # until the first read
        self.loader = Reader(ctx, self)
        self._options: FilterOptions | None = None
        self._target_ids: list[int] = []  # bar index -> target id in the progress chart
        self.funnel_stages: list[Stage] = list(STAGES)  # bar index -> stage
        self.funding_bars: list[FundingBar] = []  # bar index -> source(s), in the chart
        self.target_titles: list[str] = []  # bar index -> full title, in the progress chart

        self.institution = QtWidgets.QComboBox()
        self.institution.setObjectName("institutionFilter")
        self.target = QtWidgets.QComboBox()
        self.target.setObjectName("targetFilter")
        self.target.setMinimumContentsLength(24)
        self.period = QtWidgets.QComboBox()
        for label, days in PERIODS:
            self.period.addItem(_(label), days)
        self.stage_filter = StageFilter()
        self.export_button = QtWidgets.QPushButton(_("Export to Excel…"))
        self.status = QtWidgets.QLabel()
        self.status.setObjectName("dashboardStatus")
        bar = QtWidgets.QHBoxLayout()
        for text, w in (
            (_("Institution"), self.institution),
            (_("Target"), self.target),
            (_("Period"), self.period),
        ):
            bar.addWidget(QtWidgets.QLabel(text))
            bar.addWidget(w)
        bar.addWidget(self.stage_filter)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        # The status line ("As of …; all amounts in …; rates …") gets a line of its own: beside
        # the filters it made the page wider than a 1280-pixel screen.
        self.status.setWordWrap(True)

        self.tiles: dict[str, Tile] = {}
        tiles = QtWidgets.QGridLayout()
        for i, (label, _v, _k) in enumerate(reporting.Kpis.empty().items()):
            tile = Tile(_(label))
            self.tiles[label] = tile
            tiles.addWidget(tile, i // 6, i % 6)

        self.funnel_view = _chart_view(_("Funnel: applications that reached each stage"))
        self.funding_view = _chart_view(_("Funding per source"))
        self.offers_view = _chart_view(_("Offers by month extended"))
        self.targets_view = _chart_view(_("Progress to targets"))
        charts = QtWidgets.QGridLayout()
        charts.addWidget(self.funnel_view, 0, 0)
        charts.addWidget(self.funding_view, 0, 1)
        charts.addWidget(self.offers_view, 1, 0)
        charts.addWidget(self.targets_view, 1, 1)

        self.empty = QtWidgets.QLabel(
            _(
                "<h3>Nothing to show yet</h3><p>Import a candidate list (File → Import, Ctrl+I) or "
                "load the demo data to see the pipeline here.</p>"
            )
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        self.visas = VisaTiles(ctx, Tile)  # visa deadlines: due in 7 days, overdue
        tiles.addWidget(self.visas, tiles.rowCount(), 0, 1, 2)
        body = QtWidgets.QWidget()
        inner = QtWidgets.QVBoxLayout(body)
        inner.addLayout(tiles)
        self.payments = PaymentsOutlook(ctx)
        inner.addWidget(self.payments)
        inner.addWidget(self.empty)
        inner.addLayout(charts, 1)
        self.approvals = ApprovalsBoard(ctx)  # approval gates: waiting and completion
        inner.addWidget(self.approvals)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)

        self.institution.currentIndexChanged.connect(self._institution_changed)
        self.target.currentIndexChanged.connect(self._filters_changed)
        self.period.currentIndexChanged.connect(self._filters_changed)
        self.stage_filter.changed.connect(self._filters_changed)
        self.export_button.clicked.connect(self._export)
        self._fill_combos(FilterOptions([], []))

    # -- filters -------------------------------------------------------------------------
    def _fill_combos(self, options: FilterOptions) -> None:
        """Refill the filter combos without firing a reload; keep the current choices."""
        self._options = options
        inst = self.institution.currentData()
        tgt = self.target.currentData()
        for combo in (self.institution, self.target):
            combo.blockSignals(True)
        self.institution.clear()
        self.institution.addItem(_("All institutions"), None)
        for iid, name in options.institutions:
            self.institution.addItem(name, iid)
        self.institution.setCurrentIndex(max(0, self.institution.findData(inst)))
        self._fill_targets(tgt)
        for combo in (self.institution, self.target):
            combo.blockSignals(False)

    def _fill_targets(self, keep: int | None) -> None:
        inst = self.institution.currentData()
        self.target.clear()
        self.target.addItem(_("All targets"), None)
        for tid, title, iid in self._options.targets if self._options else []:
            if inst is None or iid == inst:
                self.target.addItem(title, tid)
        self.target.setCurrentIndex(max(0, self.target.findData(keep)))

    def _institution_changed(self) -> None:
        self.target.blockSignals(True)
        self._fill_targets(self.target.currentData())
        self.target.blockSignals(False)
        self._filters_changed()

    def current_filters(self) -> Filters:
        inst = self.institution.currentData()
        tgt = self.target.currentData()
        days = self.period.currentData()
        today = self.as_of or clock.today_in(self.zone)
        return Filters(
            institution_ids=(inst,) if inst is not None else (),
            target_ids=(tgt,) if tgt is not None else (),
            date_from=today - timedelta(days=days) if days else None,
            date_to=today if days else None,
            stages=self.stage_filter.stages(),
        )

    def set_filters(self, filters: Filters) -> None:
        """Choose filters programmatically (tests, navigation) and reload."""
        for combo, ids in (
            (self.institution, filters.institution_ids),
            (self.target, filters.target_ids),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(ids[0] if ids else None)))
            combo.blockSignals(False)
        self.stage_filter.blockSignals(True)
        self.stage_filter.set_stages(filters.stages)
        self.stage_filter.blockSignals(False)
        self._filters_changed()

    def save_filters(self, settings: QtCore.QSettings) -> None:
        """The stage filter is remembered between sessions (the main window calls this)."""
        settings.setValue(STAGES_KEY, [st.value for st in self.stage_filter.stages()])

    def restore_filters(self, settings: QtCore.QSettings) -> None:
        self.stage_filter.blockSignals(True)
        self.stage_filter.set_stages(stored_stages(settings.value(STAGES_KEY)))
        self.stage_filter.blockSignals(False)
        self.filters = self.current_filters()

    def _filters_changed(self) -> None:
        self.filters = self.current_filters()
        self.refresh_now()

    def apply_filter(self, filters: dict[str, object]) -> None:
        inst = filters.get("institution_id")
        tgt = filters.get("target_id")
        self.set_filters(
            Filters(
                institution_ids=(int(str(inst)),) if inst is not None else (),
                target_ids=(int(str(tgt)),) if tgt is not None else (),
            )
        )

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        filters, as_of, days = self.current_filters(), self.as_of, self.period.currentData()
        self.filters = filters
        self.status.setText(_("Updating…"))
        self.visas.load(filters.institution_ids, as_of)
        self.approvals.set_filters(filters, as_of)
        self.loader.read(lambda db: load(db, filters, as_of, days), self._show, self._failed)

    @property
    def loading(self) -> bool:
        return self.loader.pending

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(_("Could not update"))
        show_error(self, _("Dashboard"), exc)

    def _show(self, loaded: Loaded) -> None:
        self._fill_combos(loaded.options)
        r = loaded.report
        self.report = r
        self.zone, self.filters = loaded.zone, r.filters
        ccy = r.money.currency
        for label, value, kind in r.kpis.items():
            tile = self.tiles[label]
            tile.value.setText(tile_text(value, kind, ccy))
            tile.setToolTip(
                format_amount(value, ccy) if kind == "money" and value is not None else ""
            )
        has_data = bool(r.kpis.applications or r.funding or r.targets)
        self.empty.setVisible(not has_data)
        self._draw_funnel(r)
        self._draw_funding(r)
        self._draw_offers(r)
        self._draw_targets(r)
        self.status.setText(
            _("As of {d}; {m}").format(d=i18n.format_iso_date(r.as_of), m=r.money.describe())
        )
        self.loaded.emit(r)

    # -- charts --------------------------------------------------------------------------
    @staticmethod
    def _reset(view: QtCharts.QChartView) -> QtCharts.QChart:
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        return chart

    @staticmethod
    def _axes(
        chart: QtCharts.QChart,
        series: QtCharts.QAbstractBarSeries,
        categories: list[str],
        horizontal: bool,
        value_title: str = "",
        counts: bool = True,
    ) -> None:
        cats = QtCharts.QBarCategoryAxis()
        cats.append(categories)
        # Qt's default is to elide category labels to "..." in small charts; the names matter
        # more than a few pixels of bar length.
        cats.setTruncateLabels(False)
        font = cats.labelsFont()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        cats.setLabelsFont(font)
        if not horizontal and len(categories) > 6:
            cats.setLabelsAngle(-45)
        values = QtCharts.QValueAxis()
        values.setLabelFormat("%.0f")
        values.setMin(0)
        if value_title:
            values.setTitleText(value_title)
        chart.addAxis(
            cats, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom
        )
        chart.addAxis(
            values, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft
        )
        series.attachAxis(cats)
        series.attachAxis(values)
        top = 0.0
        sets = series.barSets()
        if isinstance(series, QtCharts.QHorizontalStackedBarSeries | QtCharts.QStackedBarSeries):
            n = max((s.count() for s in sets), default=0)
            top = max((sum(s.at(i) for s in sets) for i in range(n)), default=0.0)
        else:
            top = max((s.at(i) for s in sets for i in range(s.count())), default=0.0)
        values.setRange(0, top if top > 0 else 1)
        if top > 0:
            values.applyNiceNumbers()
        if counts:  # whole things: one tick per unit on a short axis, never "2.5 people"
            if values.max() <= 10:
                values.setTickCount(int(values.max()) + 1)
        elif values.max() < 10:  # amounts on a short axis: 0.5, 1.5, ... matter
            values.setLabelFormat("%.1f")

    def _draw_funnel(self, r: Report) -> None:
        chart = self._reset(self.funnel_view)
        series = QtCharts.QHorizontalBarSeries()
        reached = QtCharts.QBarSet(_("Reached"))
        rows = list(reversed(r.funnel))  # horizontal bars grow upwards: first stage on top
        self.funnel_stages = [row.stage for row in rows]
        reached.append([float(row.reached) for row in rows])
        series.append(reached)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        self._axes(chart, series, [row.stage.label for row in rows], True)
        chart.legend().hide()
        reached.clicked.connect(self._funnel_clicked)
        self.funnel_set = reached

    def _draw_funding(self, r: Report) -> None:
        chart = self._reset(self.funding_view)
        bars = funding_bars(r.funding)
        self.funding_bars = bars[::-1]  # bar index -> FundingBar; horizontal: biggest on top
        shown = self.funding_bars
        divisor, unit = money_scale(max((b.stacked for b in shown), default=0))
        series = QtCharts.QHorizontalStackedBarSeries()
        sets = {}
        for name, attr in (
            (_("Committed"), "committed"),
            (_("Reserved"), "reserved"),
            (_("Available"), "available"),
        ):
            bar = QtCharts.QBarSet(name)
            bar.append([max(getattr(b, attr), 0) / divisor for b in shown])  # display only
            bar.hovered.connect(self._funding_hovered)
            series.append(bar)
            sets[name] = bar
        chart.addSeries(series)
        self._axes(
            chart,
            series,
            [b.label for b in shown],
            True,
            unit + r.money.currency,
            counts=False,
        )
        chart.legend().show()
        self.funding_sets = sets

    def funding_tooltip(self, index: int) -> str:
        """The full name and figures of a funding bar (the axis label may be shortened)."""
        if not 0 <= index < len(self.funding_bars):
            return ""
        b = self.funding_bars[index]
        ccy = self.report.money.currency if self.report else "CNY"
        lines = [b.title]
        lines += [
            f"{label}: {format_amount(value, ccy)}"
            for label, value in (
                (_("Total"), b.total),
                (_("Committed"), b.committed),
                (_("Reserved"), b.reserved),
                (_("Available"), b.available),
            )
        ]
        return "\n".join(lines)

    def _funding_hovered(self, status: bool, index: int) -> None:
        if status:
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), self.funding_tooltip(index))
        else:
            QtWidgets.QToolTip.hideText()

    def _target_hovered(self, status: bool, index: int) -> None:
        if status and 0 <= index < len(self.target_titles):
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), self.target_titles[index])
        else:
            QtWidgets.QToolTip.hideText()

    def _draw_offers(self, r: Report) -> None:
        chart = self._reset(self.offers_view)
        series = QtCharts.QBarSeries()
        for name, attr in (
            (_("Extended"), "extended"),
            (_("Accepted"), "accepted"),
            (_("Declined or expired"), "declined"),
        ):
            bar = QtCharts.QBarSet(name)
            bar.append([float(getattr(m, attr)) for m in r.offers_by_month])
            bar.clicked.connect(lambda _i: self._navigate("Pipeline", {"stage": "offer"}))
            series.append(bar)
        chart.addSeries(series)
        self._axes(chart, series, [m.month[2:] for m in r.offers_by_month], False)
        chart.legend().show()

    def _draw_targets(self, r: Report) -> None:
        chart = self._reset(self.targets_view)
        rows = sorted(r.targets, key=lambda t: (-(t.headcount - t.hired), t.title))[:MAX_BARS]
        rows.reverse()  # most still to hire on top
        self._target_ids = [t.target_id for t in rows]
        self.target_titles = [
            _("{title}: {hired} of {headcount} hired").format(
                title=t.title, hired=t.hired, headcount=t.headcount
            )
            for t in rows
        ]
        series = QtCharts.QHorizontalStackedBarSeries()
        hired = QtCharts.QBarSet(_("Hired"))
        hired.append([float(min(t.hired, t.headcount)) for t in rows])
        remaining = QtCharts.QBarSet(_("Still to hire"))
        remaining.append([float(max(t.headcount - t.hired, 0)) for t in rows])
        for bar in (hired, remaining):
            bar.clicked.connect(self._target_clicked)
            bar.hovered.connect(self._target_hovered)  # the full title (labels are shortened)
            series.append(bar)
        chart.addSeries(series)
        labels = _unique([_middle(t.title) for t in rows], self._target_ids)
        self._axes(chart, series, labels, True, _("headcount"))
        chart.legend().show()
        self.target_sets = (hired, remaining)

    # -- drill-down ----------------------------------------------------------------------
    def _scope(self) -> dict[str, object]:
        f = self.filters
        out: dict[str, object] = {}
        if f.institution_ids:
            out["institution_id"] = f.institution_ids[0]
        if f.target_ids:
            out["target_id"] = f.target_ids[0]
        if f.stages:
            out["stages"] = [st.value for st in f.stages]
        return out

    def _funnel_clicked(self, index: int) -> None:
        if 0 <= index < len(self.funnel_stages):
            self._navigate("Pipeline", {**self._scope(), "stage": self.funnel_stages[index].value})

    def _target_clicked(self, index: int) -> None:
        if 0 <= index < len(self._target_ids):
            self._navigate("Pipeline", {**self._scope(), "target_id": self._target_ids[index]})

    def _navigate(self, page: str, filters: dict[str, object]) -> None:
        self.ctx.bus.navigate.emit(page, filters)

    def export_filters(self) -> Filters:
        """What File → Export writes from this page: the filters in force."""
        return self.current_filters()

    def _export(self) -> None:
        from ..export_actions import export_pipeline

        export_pipeline(self, self.ctx, self.export_filters())


# Characters of a bar's axis label: what fits beside the bars of a half-width chart on a
# 1280-pixel screen (Qt clips longer labels at the chart's edge). Tooltips carry full names.
LABEL_CHARS = 30


def _middle(text: str, limit: int = LABEL_CHARS) -> str:
    """Shortened in the middle, at word boundaries where possible: names that share a long
    prefix ("National Talent Programme 2026 – Wuhan University" / "… – Fudan University")
    keep the part that tells them apart."""
    if len(text) <= limit:
        return text
    head_room = (limit - 1) // 2
    tail_room = limit - 1 - head_room
    head = text[:head_room]
    if " " in head[-4:]:  # drop a word stub of up to three letters
        head = head[: head.rindex(" ")]
    tail = text[-tail_room:]
    if " " in tail[:4]:
        tail = tail[tail.index(" ") + 1 :]
    return head.rstrip() + "…" + tail.lstrip()


@dataclass(frozen=True)
class FundingBar:
    """One bar of "Funding per source": a source (keyed by id), or the smallest sources folded
    together (`source_ids` lists them). Amounts are in the report's currency, minor units."""

    source_ids: tuple[int, ...]
    label: str  # axis label: unique, possibly shortened
    title: str  # full name, for the tooltip
    total: int
    committed: int
    reserved: int
    available: int

    @property
    def source_id(self) -> int | None:
        return self.source_ids[0] if len(self.source_ids) == 1 else None

    @property
    def stacked(self) -> int:
        """Length of the stacked bar (committed + reserved + what is still available)."""
        return self.committed + self.reserved + max(self.available, 0)


def funding_bars(rows: Sequence[FundingRow], limit: int = MAX_BARS) -> list[FundingBar]:
    """Every source a bar, largest first; beyond `limit` bars the smallest are folded into one
    "Other (N sources)" bar, so no source is ever left out of the chart. Axis labels are unique
    (Qt's category axis drops repeated labels, which shifted every label after them)."""
    ordered = sorted(rows, key=lambda f: (-f.total, f.name, f.source_id))
    keep = ordered if len(ordered) <= limit else ordered[: limit - 1]
    rest = ordered[len(keep) :]
    labels = _unique([_middle(f.name) for f in keep], [f.source_id for f in keep])
    bars = [
        FundingBar((f.source_id,), label, f.name, f.total, f.committed, f.reserved, f.available)
        for f, label in zip(keep, labels, strict=True)
    ]
    if rest:
        title = _("Other ({count} sources)").format(count=len(rest))
        bars.append(
            FundingBar(
                tuple(f.source_id for f in rest),
                title,
                title + ": " + ", ".join(f.name for f in rest),
                sum(f.total for f in rest),
                sum(f.committed for f in rest),
                sum(f.reserved for f in rest),
                sum(f.available for f in rest),
            )
        )
    return bars


def _unique(labels: list[str], ids: list[int]) -> list[str]:
    """Labels made distinct by the source id where two would read the same."""
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [
        f"{label} (#{i})" if seen[label] > 1 else label
        for label, i in zip(labels, ids, strict=True)
    ]


def money_scale(top_minor: int) -> tuple[float, str]:
    """(divisor from minor units, axis unit) so the value axis reads in sensible numbers."""
    major = top_minor / 100
    if i18n.is_chinese():  # 万 and 亿, the units Chinese counts money in
        if major >= 100_000_000:
            return 100 * 100_000_000, "亿 "
        if major >= 10_000:
            return 100 * 10_000, "万 "
        return 100, ""
    if major >= 1_000_000:
        return 100 * 1_000_000, _("million ")
    if major >= 1_000:
        return 100 * 1_000, _("thousand ")
    return 100, ""
