"""The one module that imports Qt bindings; the rest of recruiter/ui imports from here."""

from PySide6 import QtCharts, QtCore, QtGui, QtTest, QtWidgets
from PySide6.QtCore import Qt, Signal, Slot

__all__ = ["Qt", "QtCharts", "QtCore", "QtGui", "QtTest", "QtWidgets", "Signal", "Slot"]
