"""Renders the one-page brief (services.reporting.brief) to an A4 PDF with QPdfWriter/QPainter.

The PDF's text is real text in embedded font subsets, so it can be searched and copied. Chinese
names use the first CJK font the system has (Noto Sans CJK, Source Han, WenQuanYi, ...); a system
with none still writes the page, but Qt then has no glyphs for Chinese characters and draws them
as empty boxes. Charts use the colours of the Dashboard's (QtCharts' default theme).

Coordinates are points (the writer runs at 72 dpi), so a font's point size is its size on paper;
nothing on the page is smaller than MIN_POINTS.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from recruiter import i18n
from recruiter.i18n import _
from recruiter.services.reporting.brief import Bar, Brief

from .qt import Qt, QtCore, QtGui

MIN_POINTS = 8.0
PAGE_W, PAGE_H = 595.0, 842.0  # A4 portrait in points
MARGIN = 36.0
# QtCharts' light theme, as the Dashboard shows its series.
SERIES = ("#209fdf", "#99ca53", "#f6a625", "#6d5fd5", "#bf593e")
INK = QtGui.QColor("#1f1f1f")
MUTED = QtGui.QColor("#5f6368")
ACCENT = QtGui.QColor("#1F4E78")  # the workbook's header blue
RULE = QtGui.QColor("#d0d7de")
TILE = QtGui.QColor("#f3f6f9")
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)


def cjk_family() -> str | None:
    """The first installed font family that covers Chinese, or None."""
    installed = set(QtGui.QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in installed), None)


def _font(size: float, bold: bool = False) -> QtGui.QFont:
    font = QtGui.QFont()
    families = [font.defaultFamily()]
    cjk = cjk_family()
    if cjk:
        families.append(cjk)
    font.setFamilies(families)
    font.setPointSizeF(max(size, MIN_POINTS))
    font.setBold(bold)
    return font


class _Page:
    """A painter over the page with the few drawing moves the brief needs."""

    def __init__(self, painter: QtGui.QPainter) -> None:
        self.p = painter

    def metrics(self, font: QtGui.QFont) -> QtGui.QFontMetricsF:
        """Measured at the page's resolution (points), not the screen's."""
        return QtGui.QFontMetricsF(font, self.p.device())

    def text(
        self,
        rect: QtCore.QRectF,
        text: str,
        size: float = 9,
        *,
        bold: bool = False,
        color: QtGui.QColor = INK,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        elide: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
    ) -> None:
        font = _font(size, bold)
        self.p.setFont(font)
        self.p.setPen(color)
        shown = self.metrics(font).elidedText(text, elide, rect.width())
        self.p.drawText(rect, int(align), shown)

    def fitted(self, rect: QtCore.QRectF, text: str, size: float, *, bold: bool = False) -> None:
        """Text shrunk (down to MIN_POINTS) until it fits the width, then elided."""
        while size > MIN_POINTS:
            if self.metrics(_font(size, bold)).horizontalAdvance(text) <= rect.width():
                break
            size -= 0.5
        self.text(rect, text, size, bold=bold)

    def wrapped(
        self, rect: QtCore.QRectF, text: str, size: float = 9, color: QtGui.QColor = INK
    ) -> float:
        """Text wrapped inside rect's width; returns the height used."""
        font = _font(size)
        self.p.setFont(font)
        self.p.setPen(color)
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
            Qt.TextFlag.TextWordWrap
        )
        used = self.metrics(font).boundingRect(rect, flags, text)
        self.p.drawText(rect, flags, text)
        return used.height()

    def rule(self, y: float) -> None:
        self.p.setPen(QtGui.QPen(RULE, 0.75))
        self.p.drawLine(QtCore.QPointF(MARGIN, y), QtCore.QPointF(PAGE_W - MARGIN, y))

    def box(self, rect: QtCore.QRectF, color: QtGui.QColor) -> None:
        self.p.fillRect(rect, color)

    def heading(self, x: float, y: float, w: float, text: str) -> float:
        self.text(QtCore.QRectF(x, y, w, 14), text, 10.5, bold=True, color=ACCENT)
        return y + 16


def _bars(
    page: _Page,
    rect: QtCore.QRectF,
    title: str,
    bars: Sequence[Bar],
    legend: Sequence[str] = (),
    more: str = "",
    value_text: bool = True,
    label_share: float = 0.42,
    value_w: float = 70.0,
) -> float:
    """A horizontal (stacked) bar chart like the Dashboard's: a label on every bar."""
    y = page.heading(rect.x(), rect.y(), rect.width(), title)
    if legend:
        x = rect.x()
        for i, name in enumerate(legend):
            page.box(QtCore.QRectF(x, y + 3, 8, 8), QtGui.QColor(SERIES[i % len(SERIES)]))
            page.text(QtCore.QRectF(x + 11, y, 90, 14), name, 8, color=MUTED)
            x += 14 + page.metrics(_font(8)).horizontalAdvance(name) + 10
        y += 15
    if not bars:
        page.text(QtCore.QRectF(rect.x(), y, rect.width(), 14), _("(none)"), 9, color=MUTED)
        return y + 16
    label_w = rect.width() * label_share
    value_w = value_w if value_text else 0.0
    room = rect.bottom() - y - (14 if more else 0)
    step = min(18.0, room / len(bars))
    top = max((sum(b.parts) for b in bars), default=0) or 1
    span = rect.width() - label_w - value_w - 6
    for bar in bars:
        page.text(QtCore.QRectF(rect.x(), y, label_w - 4, step), bar.label, 8)
        x = rect.x() + label_w
        for i, part in enumerate(bar.parts):
            w = span * part / top
            if w > 0:
                page.box(
                    QtCore.QRectF(x, y + step * 0.18, w, step * 0.64),
                    QtGui.QColor(SERIES[i % len(SERIES)]),
                )
            x += w
        if value_text:
            note = bar.note or f"{sum(bar.parts):,}"
            page.text(QtCore.QRectF(x + 4, y, value_w, step), note, 8, color=MUTED)
        y += step
    if more:
        page.text(QtCore.QRectF(rect.x(), y, rect.width(), 14), more, 8, color=MUTED)
        y += 14
    return y


def paint(painter: QtGui.QPainter, brief: Brief, exported: str) -> None:
    """The whole page, top to bottom."""
    page = _Page(painter)
    width = PAGE_W - 2 * MARGIN
    x, y = MARGIN, MARGIN
    page.text(QtCore.QRectF(x, y, width, 24), brief.title, 18, bold=True, color=ACCENT)
    page.text(
        QtCore.QRectF(x, y, width, 24),
        _("As of {date}").format(date=i18n.format_iso_date(brief.as_of)),
        10,
        color=MUTED,
        align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    )
    y += 28
    facts = "   ·   ".join(f"{k}: {v}" for k, v in brief.facts if k not in ("As of", _("As of")))
    y += page.wrapped(QtCore.QRectF(x, y, width, 40), facts, 9.5) + 2
    y += page.wrapped(QtCore.QRectF(x, y, width, 30), brief.currency, 8, MUTED) + 6
    page.rule(y)
    y += 8

    # key figures: tiles of five
    per_row, gap = 5, 6.0
    tile_w = (width - gap * (per_row - 1)) / per_row
    for i, (label, value) in enumerate(brief.figures):
        tx = x + (i % per_row) * (tile_w + gap)
        ty = y + (i // per_row) * 54
        page.box(QtCore.QRectF(tx, ty, tile_w, 48), TILE)
        page.fitted(QtCore.QRectF(tx + 6, ty + 3, tile_w - 12, 20), value, 12, bold=True)
        page.wrapped(QtCore.QRectF(tx + 6, ty + 24, tile_w - 12, 22), label, 8, MUTED)
    y += 54 * ((len(brief.figures) + per_row - 1) // per_row) + 6

    half = (width - 14) / 2
    _bars(
        page,
        QtCore.QRectF(x, y, half, 180),
        _("Funnel: applications by stage reached"),
        brief.funnel,
        label_share=0.3,
    )
    _bars(
        page,
        QtCore.QRectF(x + half + 14, y, half, 180),
        _("Progress to targets (headcount)"),
        brief.targets,
        (_("Hired"), _("Still to hire")),
        _("and {count} more targets in the workbook").format(
            count=i18n.format_number(brief.targets_more)
        )
        if brief.targets_more
        else "",
        label_share=0.5,
    )
    y += 188
    y = _bars(
        page,
        QtCore.QRectF(x, y, width, 190),
        _("Funding per source ({currency})").format(currency=brief.reporting_currency),
        brief.funding,
        (_("Committed"), _("Reserved"), _("Available")),
        _("and {count} more sources in the workbook").format(
            count=i18n.format_number(brief.funding_more)
        )
        if brief.funding_more
        else "",
        value_w=110.0,
    )
    y += 10

    y = page.heading(
        x,
        y,
        width,
        _("Offers awaiting an answer ({count} in all)").format(
            count=i18n.format_number(brief.awaiting_total)
        ),
    )
    cols = (
        (0.30, _("Candidate")),
        (0.32, _("Target")),
        (0.18, _("Institution")),
        (0.11, _("Expires on")),
        (0.09, _("Days left")),
    )
    cx = x
    for share, head in cols:
        page.text(QtCore.QRectF(cx, y, width * share - 4, 13), head, 8, bold=True, color=MUTED)
        cx += width * share
    y += 14
    if not brief.awaiting:
        page.text(QtCore.QRectF(x, y, width, 13), _("(none)"), 9, color=MUTED)
    for a in brief.awaiting:
        cells = (
            a.name,
            a.target,
            a.institution,
            f"{a.expires_on:%Y-%m-%d}" if a.expires_on else "—",
            "—"
            if a.days_left is None
            else (
                i18n.format_number(a.days_left)
                if a.days_left >= 0
                else _("{days} past").format(days=i18n.format_number(-a.days_left))
            ),
        )
        cx = x
        for (share, _h), value in zip(cols, cells, strict=True):
            page.text(QtCore.QRectF(cx, y, width * share - 4, 13), value, 8.5)
            cx += width * share
        y += 13

    page.rule(PAGE_H - MARGIN + 4)
    page.text(
        QtCore.QRectF(x, PAGE_H - MARGIN + 6, width, 14),
        _("Exported {when} by Recruiter · the workbook has every row behind these figures").format(
            when=exported
        ),
        8,
        color=MUTED,
    )


def start_headless() -> QtCore.QCoreApplication:
    """The application Qt needs to draw text (fonts), started once for the command line; the
    caller chooses the offscreen platform when there is no display."""
    app = QtGui.QGuiApplication.instance()
    return app if app is not None else QtGui.QGuiApplication(["recruiter-brief"])


def write_brief(path: Path | str, brief: Brief, exported: str) -> Path:
    """Write the one-page PDF. Raises OSError when the file cannot be written."""
    out = Path(path).expanduser()
    tmp = out.with_name(f".{out.name}.part")
    writer = QtGui.QPdfWriter(str(tmp))
    writer.setResolution(72)
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QtGui.QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0), QtGui.QPageLayout.Unit.Point)
    writer.setTitle(brief.title)
    writer.setCreator("Recruiter")
    painter = QtGui.QPainter()
    if not painter.begin(writer):
        raise OSError(_("{path} cannot be written").format(path=out))
    try:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        paint(painter, brief, exported)
    finally:
        painter.end()
    del writer  # closes the file
    tmp.replace(out)
    return out


__all__ = ["MIN_POINTS", "cjk_family", "paint", "start_headless", "write_brief"]
