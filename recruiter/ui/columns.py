"""Column widths that never clip a header ("Chinese name" read ":hinese name" once a sort arrow
took its room) and, for short lists, never clip a value either."""

from __future__ import annotations

from .qt import QtWidgets


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


__all__ = ["fit_contents", "fit_header_labels", "keep_fitted"]
