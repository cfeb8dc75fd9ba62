"""The empty-database page: say what to do next."""

from __future__ import annotations

from .qt import Qt, QtWidgets, Signal


class WelcomePage(QtWidgets.QWidget):
    load_demo = Signal()
    import_list = Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addStretch(1)
        title = QtWidgets.QLabel(self.tr("<h1>Welcome to Recruiter</h1>"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QtWidgets.QLabel(
            self.tr(
                "Your database is empty. Import a candidate list you received (Excel, CSV, ODS), "
                "or load demo data to look around first."
            )
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QtWidgets.QPushButton(self.tr("Import a candidate list…"))
        self.demo_button = QtWidgets.QPushButton(self.tr("Load demo data"))
        self.import_button.setDefault(True)
        for b in (self.import_button, self.demo_button):
            b.setMinimumHeight(36)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.import_button.clicked.connect(self.import_list)
        self.demo_button.clicked.connect(self.load_demo)
        for w in (title, text):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addStretch(2)
