"""Column widths that never clip a header ("Chinese name" read ":hinese name" once a sort arrow
took its room) and, for short lists, never clip a value either."""

from __future__ import annotations

from .qt import QtGui, QtWidgets


def fit_header_labels(view: QtWidgets.QTableView) -> None:
    """Widen every visible column narrower than its header label (sort arrow included); wider
    columns, and widths the user chose above that, stay as they are."""
    header = view.horizontalHeader()
    model = view.model()
    if model is None:
        return
    for col in range(model.columnCount()):
        if header.isSectionHidden(col):
            continue
        needed = header.sectionSizeFromContents(col).width()
        if header.sectionSize(col) < needed:
            header.resizeSection(col, needed)


def fit_contents(view: QtWidgets.QTableView, widest: int = 260) -> None:
    """Columns as wide as their longest value, header or `widest` pixels, whichever is less
    (beyond that the value's tooltip shows it whole)."""
    model = view.model()
    if model is None:
        return
    header = view.horizontalHeader()
    for col in range(model.columnCount()):
        if header.isSectionHidden(col):
            continue
        label = header.sectionSizeFromContents(col).width()
        header.resizeSection(col, max(label, min(view.sizeHintForColumn(col), widest)))


def keep_fitted(view: QtWidgets.QTableView, widest: int = 260) -> None:
    """Refit `view` to its contents whenever its model is reset (a short list, shown anew)."""
    model = view.model()
    if model is None or view.property("keepsFitted"):
        return
    view.setProperty("keepsFitted", True)
    # The view connected to the model first, so it has taken in the new rows when this runs.
    model.modelReset.connect(lambda: fit_contents(view, widest))


class _SortArrows(QtWidgets.QProxyStyle):
    """Sort arrows as spreadsheets draw them: ▲ ascending (A→Z, oldest first), ▼ descending.
    Qt's Fusion style draws them the other way round, so "newest first" read "Created ▲"."""

    def drawPrimitive(
        self,
        element: QtWidgets.QStyle.PrimitiveElement,
        option: QtWidgets.QStyleOption,
        painter: QtGui.QPainter,
        widget: QtWidgets.QWidget | None = None,
    ) -> None:
        if element == QtWidgets.QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(
            option, QtWidgets.QStyleOptionHeader
        ):
            flipped = QtWidgets.QStyleOptionHeader(option)
            up, down = _SORT.SortUp, _SORT.SortDown
            flipped.sortIndicator = down if option.sortIndicator == up else up
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


_SORT = QtWidgets.QStyleOptionHeader.SortIndicator


def spreadsheet_sort_arrows(view: QtWidgets.QTableView) -> None:
    """Draw `view`'s sort arrow the way users read it (▲ ascending, ▼ descending)."""
    header = view.horizontalHeader()
    if isinstance(header.style(), _SortArrows) or header.findChild(_SortArrows):
        return
    style = _SortArrows()
    style.setParent(header)  # lives as long as the header that draws with it
    header.setStyle(style)


__all__ = ["fit_contents", "fit_header_labels", "keep_fitted", "spreadsheet_sort_arrows"]
