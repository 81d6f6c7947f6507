"""Merge two persons, or two organisations, recorded twice (services/merge.py).

Two columns, this one and the other: which one stays, and for every field whose values differ
a choice of the value that wins (by default the value of the one that stays, or the other's
where the one that stays has none). Below, what refers to each, which all moves to the one
that stays. Merging asks once more, since the other is then deleted.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import ClientKind, Vocabulary
from welcome_center.domain.views import ClientRef
from welcome_center.i18n import _, country_name, format_number, ngettext
from welcome_center.i18n.fields import OTHER_FIELDS
from welcome_center.i18n.labels import label
from welcome_center.services import merge
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.layout import text_label
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.widgets.client_picker import ClientPicker

_LONG = 60  # characters of a value shown; the whole value in the tooltip
_COUNTRIES = {"nationality", "nationality_2"}


def value_text(ops: Ops, name: str, value: Any) -> str:
    """A field's value as the desk shows it; empty as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, StrEnum):
        return label(value)
    if name in _COUNTRIES:
        return country_name(str(value))
    if name == "municipality":
        return ops.label(Vocabulary.MUNICIPALITY, str(value))
    return str(value)


def _shown(text: str) -> str:
    """Data on a radio button: never a mnemonic, one line, not endless."""
    line = " ".join(text.split())
    if len(line) > _LONG:
        line = line[: _LONG - 1] + "…"
    return line.replace("&", "&&")


def _empty(value: Any) -> bool:
    return value is None or value == "" or str(value) == "not_recorded"


class MergeDialog(QDialog):
    """Choose which one stays and which values win, then merge (audited, one transaction)."""

    def __init__(
        self, ops: Ops, kind: ClientKind, first: int, second: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ops, self.kind = ops, kind
        self.ids = (first, second)
        self.preview: merge.MergePreview | None = None
        self.rows: dict[str, QButtonGroup] = {}
        self.touched: set[str] = set()
        self.merged_into: int | None = None
        self.setWindowTitle(
            _("Merge two persons") if kind == ClientKind.PERSON else _("Merge two organisations")
        )
        self.intro = text_label()
        self.stays = QButtonGroup(self)
        self.first_stays = QRadioButton(_("&This one stays"))
        self.second_stays = QRadioButton(_("The &other one stays"))
        self.stays.addButton(self.first_stays, 0)
        self.stays.addButton(self.second_stays, 1)
        self.first_stays.setChecked(True)
        self.stays.idToggled.connect(self._stays_changed)
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_box)
        self.summary = text_label()
        buttons = QDialogButtonBox()
        self.merge_button = QPushButton(_("&Merge…"))
        self.merge_button.clicked.connect(self.do_merge)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("&Cancel"))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.summary)
        lay.addWidget(buttons)
        self.resize(860, 680)  # the counts too, at 1366 x 768
        self.load()

    # -- reading -------------------------------------------------------------------------------

    def load(self) -> None:
        """Read both (again, after a conflict) and show them side by side."""
        first, second = self.ids
        self.preview = self.ops.read(
            self, lambda uow, actor: merge.preview(uow, actor, self.kind, first, second)
        )
        self.merge_button.setEnabled(self.preview is not None)
        self.rows.clear()
        self.touched.clear()
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and (w := item.widget()) is not None:
                w.setParent(None)
        if self.preview is not None:
            self._build(self.preview)

    def _build(self, p: merge.MergePreview) -> None:
        g = self.grid
        self.intro.setText(
            _(
                "Choose the one that stays and, where they differ, the value that wins. "
                "Everything recorded for the other moves to the one that stays; the other is "
                "then deleted."
            )
        )
        g.addWidget(self._bold(_("This one")), 0, 1)
        g.addWidget(self._bold(_("The other")), 0, 2)
        g.addWidget(QLabel(_("Stays:")), 1, 0)
        g.addWidget(self.first_stays, 1, 1)
        g.addWidget(self.second_stays, 1, 2)
        row = 2
        differing = p.differing()
        for name in p.fields:
            caption = _(OTHER_FIELDS.get(name, name))
            left = value_text(self.ops, name, p.first.values[name])
            right = value_text(self.ops, name, p.second.values[name])
            g.addWidget(QLabel(caption + ":"), row, 0)
            if name in differing:
                group = QButtonGroup(self)
                for col, text in ((0, left), (1, right)):
                    radio = QRadioButton(_shown(text))
                    radio.setToolTip(text)
                    radio.setAccessibleName(f"{caption}: {text}")
                    group.addButton(radio, col)
                    g.addWidget(radio, row, col + 1)
                group.idClicked.connect(lambda _id, n=name: self.touched.add(n))
                self.rows[name] = group
            else:  # the same on both: shown on both, nothing to choose
                for col in (1, 2):
                    same = text_label()
                    same.setText(left)
                    g.addWidget(same, row, col)
            row += 1
        moves = self._bold(_("What refers to each (moves to the one that stays):"))
        g.addWidget(moves, row, 0, 1, 3)
        row += 1
        for key, n in p.first.counts.items():
            g.addWidget(QLabel(_(merge.COUNT_WORDS[key]) + ":"), row, 0)
            g.addWidget(QLabel(format_number(n)), row, 1)
            g.addWidget(QLabel(format_number(p.second.counts[key])), row, 2)
            row += 1
        if p.same_contacts:
            same = text_label()
            same.setText(
                ngettext(
                    "%(n)s contact person is recorded at both: kept once, what one lacks "
                    "taken from the other.",
                    "%(n)s contact persons are recorded at both: each kept once, what one "
                    "lacks taken from the other.",
                    p.same_contacts,
                )
                % {"n": format_number(p.same_contacts)}
            )
            g.addWidget(same, row, 0, 1, 3)
            row += 1
        g.setRowStretch(row, 1)
        g.setColumnStretch(1, 1)
        g.setColumnStretch(2, 1)
        self._defaults()

    @staticmethod
    def _bold(text: str) -> QLabel:
        lab = text_label(bold=True)
        lab.setText(text)
        return lab

    # -- choosing ------------------------------------------------------------------------------

    def _stays_changed(self, _id: int, checked: bool) -> None:
        if checked:
            self._defaults()

    def staying(self) -> int:
        """0: this one stays, 1: the other."""
        return max(self.stays.checkedId(), 0)

    def _defaults(self) -> None:
        """The value of the one that stays, or the other's where it has none; a choice the
        user made stays as made."""
        p = self.preview
        if p is None:
            return
        keep = self.staying()
        sides = (p.first, p.second)
        for name, group in self.rows.items():
            if name in self.touched:
                continue
            mine, theirs = sides[keep].values[name], sides[1 - keep].values[name]
            wins = 1 - keep if _empty(mine) and not _empty(theirs) else keep
            button = group.button(wins)
            if button is not None:
                button.setChecked(True)
        stays = sides[keep]
        moving = sum(sides[1 - keep].counts.values())
        self.summary.setText(
            ngettext(
                "Stays: no. %(kept)s. Moving to it: %(count)s entry; no. %(gone)s is deleted.",
                "Stays: no. %(kept)s. Moving to it: %(count)s entries; no. %(gone)s is deleted.",
                moving,
            )
            % {"kept": stays.id, "count": format_number(moving), "gone": sides[1 - keep].id}
        )

    def choose(self, name: str, side: int) -> None:
        """Take the value of ``side`` (0: this one, 1: the other) for ``name``."""
        button = self.rows[name].button(side)
        if button is not None:
            button.click()

    def taken(self) -> list[str]:
        """The fields whose winning value is the one of the side that goes."""
        keep = self.staying()
        return [n for n, g in self.rows.items() if g.checkedId() not in (-1, keep)]

    # -- merging -------------------------------------------------------------------------------

    def do_merge(self) -> None:
        p = self.preview
        if p is None:
            return
        keep = self.staying()
        sides = (p.first, p.second)
        stays, goes = sides[keep], sides[1 - keep]
        if not confirm(
            self,
            _("Merge"),
            _(
                "Move everything recorded for no. %(gone)s to no. %(kept)s and delete "
                "no. %(gone)s? This cannot be undone."
            )
            % {"gone": goes.id, "kept": stays.id},
            yes=_("&Merge"),
        ):
            return
        take = self.taken()
        saved = self.ops.write(
            self,
            lambda uow, actor: merge.merge(
                uow, actor, self.kind, (stays.id, stays.version), (goes.id, goes.version), take
            ),
            on_conflict=self.load,
            done=_("Merged."),
        )
        if saved is not None:
            self.merged_into = saved.value
            self.accept()


class ChooseOther(QDialog):
    """The other one to merge with, chosen by name with the client picker."""

    def __init__(self, ops: Ops, ref: ClientRef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ref = ref
        self.chosen: ClientRef | None = None
        self.setWindowTitle(_("Merge with…"))
        self.picker = ClientPicker(ops)
        self.picker.client_chosen.connect(self._chosen)
        self.message = text_label()
        intro = text_label()
        intro.setText(_("Merge %(name)s with:") % {"name": ref.display_name})
        caption = QLabel(_("&Name:"))
        caption.setBuddy(self.picker)
        buttons = QDialogButtonBox()
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_("&Cancel"))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(caption)
        lay.addWidget(self.picker)
        lay.addWidget(self.message)
        lay.addStretch(1)
        lay.addWidget(buttons)
        self.resize(520, 320)

    def _chosen(self, ref: ClientRef | None) -> None:
        if ref is None:
            return
        if ref.kind != self.ref.kind:
            self.message.setText(
                _("A person is merged only with a person, an organisation with an organisation.")
            )
            self.picker.clear()
            return
        if ref.id == self.ref.id:
            self.message.setText(_("Choose another entry than this one."))
            self.picker.clear()
            return
        self.chosen = ref
        self.accept()


def merge_with(ops: Ops, ref: ClientRef, parent: QWidget | None = None) -> int | None:
    """Choose the other, then merge; the id of the one that stays, or None."""
    chooser = ChooseOther(ops, ref, parent)
    if chooser.exec() != QDialog.DialogCode.Accepted or chooser.chosen is None:
        return None
    dialog = MergeDialog(ops, ref.kind, ref.id, chooser.chosen.id, parent)
    dialog.exec()
    return dialog.merged_into
