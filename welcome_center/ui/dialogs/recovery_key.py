"""The recovery key, shown once: after a new encrypted office is set up. It is printed (saved as
a PDF sheet to print) or copied, and the dialog closes only when the user says it is kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.i18n import _
from welcome_center.reports.files import write_atomically
from welcome_center.reports.recovery_sheet import recovery_sheet_texts, render_recovery_sheet


class RecoveryKeyDialog(QDialog):
    def __init__(
        self, key: str, office: str, database: str, folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.key, self.office, self.database, self.folder = key, office, database, folder
        self.setWindowTitle(_("The recovery key"))
        heading = QLabel(_("Keep the recovery key safe"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(
            _("The database is encrypted. Its recovery key is shown now and never again:")
        )
        intro.setWordWrap(True)
        self.key_label = QLabel(key)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(font.pointSizeF() * 1.1)
        mono.setBold(True)
        self.key_label.setFont(mono)
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setFrameShape(QLabel.Shape.Box)
        self.key_label.setMargin(10)
        lay = QVBoxLayout(self)
        lay.addWidget(heading)
        lay.addWidget(intro)
        lay.addWidget(self.key_label)
        for text in recovery_sheet_texts():
            label = QLabel(text)
            label.setWordWrap(True)
            lay.addWidget(label)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("&Save as PDF to print …"))
        self.save_button.clicked.connect(self.save_sheet)
        self.copy_button = QPushButton(_("C&opy"))
        self.copy_button.clicked.connect(self.copy)
        row.addWidget(self.save_button)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.kept = QCheckBox(_("I have &printed or written down the recovery key."))
        lay.addWidget(self.kept)
        self.go_on = QPushButton(_("&Continue"))
        self.go_on.setEnabled(False)
        self.go_on.setDefault(True)
        self.go_on.clicked.connect(self.accept)
        self.kept.toggled.connect(self.go_on.setEnabled)
        end = QHBoxLayout()
        end.addStretch(1)
        end.addWidget(self.go_on)
        lay.addLayout(end)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    def reject(self) -> None:
        """Esc or the window's close button: only once the key is kept."""
        if self.kept.isChecked():
            super().reject()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key)

    def save_sheet(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the recovery key as PDF"),
            str(self.folder / _("recovery-key.pdf")),
            _("PDF (*.pdf)"),
        )
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(f"{target.name}.pdf")
        try:
            data = render_recovery_sheet(self.office, self.database, self.key, office_today())
            write_atomically(target, data)
        except OSError as exc:
            QMessageBox.warning(
                self,
                _("The recovery key"),
                _("%(path)s could not be written: %(reason)s")
                % {"path": target, "reason": exc.strerror or exc},
            )
            return
        QMessageBox.information(
            self,
            _("The recovery key"),
            _("Saved to %(path)s. Print it, then delete the file.") % {"path": target},
        )
