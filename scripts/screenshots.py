"""Screenshots of every page and the main dialogs, to look at them as a user would.

Run under Xvfb with the real X11 platform plugin, on a demonstration database::

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py \
        --db /tmp/demo.db --out /tmp/shots

Without ``--lang``/``--size`` it runs itself once per language (de, en) and size (1366x768,
1920x1080). The database is filled with demonstration data first if it is empty. Images are
written as ``<lang>-<size>-<NN>-<name>.png``; they are not kept in the repository.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

SIZES = ("1366x768", "1920x1080")
LANGS = ("de", "en")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="SQLite file (filled with demo data if empty)")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--lang", choices=LANGS)
    p.add_argument("--size", choices=SIZES)
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.lang and args.size:
        return shoot(args.db, args.out, args.lang, args.size)
    code = 0
    for lang in LANGS:
        for size in SIZES:
            cmd = [sys.executable, __file__, "--db", args.db, "--out", str(args.out)]
            code |= subprocess.call([*cmd, "--lang", lang, "--size", size])
    return code


def shoot(db: str, out: Path, lang: str, size: str) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from welcome_center import app as composition
    from welcome_center import i18n
    from welcome_center.domain.queries import RecordQuery
    from welcome_center.paths import resolve
    from welcome_center.services import record_list, users
    from welcome_center.services.demo import DEMO_PASSWORD
    from welcome_center.ui import qt_i18n
    from welcome_center.ui.dialogs.login import FirstRunDialog, LoginDialog
    from welcome_center.ui.main_window import MainWindow
    from welcome_center.ui.ops import Ops

    i18n.set_language(lang)
    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(qapp, QApplication)
    translators = qt_i18n.install(qapp, lang)  # noqa: F841 - live as long as the app
    width, height = (int(n) for n in size.split("x"))
    ctx = composition.open_app(resolve(db))
    composition.prepare_demo(ctx)
    counter = iter(range(1, 100))

    def save(widget: QWidget, name: str) -> None:
        for _ in range(5):
            qapp.processEvents()
        path = out / f"{lang}-{size}-{next(counter):02d}-{name}.png"
        widget.grab().save(str(path))
        print(path)

    hint, username = composition.demo_login_hint()
    login = LoginDialog(ctx.uow, "Welcome Center Region Zwickau", ctx.db.display_name(), hint)
    login.username.setText(username)
    login.show()
    save(login, "login")
    login.close()
    first = FirstRunDialog(ctx.uow)
    first.show()
    save(first, "first-run")
    first.close()

    actor = users.authenticate(ctx.uow, "sabine.hofmann", DEMO_PASSWORD)
    counsellor = users.authenticate(ctx.uow, username, DEMO_PASSWORD)
    state = QSettings(str(out / f"state-{lang}-{size}.ini"), QSettings.Format.IniFormat)
    state.clear()
    for who, ops in (("counsellor", Ops(ctx.uow, counsellor, ctx.db.display_name())),
                     ("admin", Ops(ctx.uow, actor, ctx.db.display_name()))):  # fmt: skip
        window = MainWindow(ops, state)
        window.resize(width, height)
        window.show()
        pages = ["admin"] if who == "admin" else list(window.pages)
        for key in pages:
            page = window.show_page(key)
            assert page is not None
            _settle(page, qapp)
            save(window, f"{who}-{key}")
            _extra_tabs(page, save, f"{who}-{key}")
        if who == "counsellor":
            ids = record_list.record_ids(ctx.uow, counsellor, RecordQuery(open_only=True))
            chosen = max(ids[:60], key=lambda i: _richness(ctx.uow, counsellor, i))
            window.open_record(chosen)
            record_window = window.record_windows[chosen]
            _extra_tabs(record_window, save, "record", first_too=True)
            record_window.close()
            from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog

            quick = QuickEnquiryDialog(ops, window)
            quick.show()
            save(quick, "quick-enquiry")
            quick.close()
        window.close()
    ctx.close()
    return 0


def _settle(page: object, qapp: object) -> None:
    """Wait for figures computed in the background (the Reports page) before the picture."""
    deadline = time.monotonic() + 30
    while getattr(page, "content", True) is None and time.monotonic() < deadline:
        qapp.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def _richness(uow: object, actor: object, record_id: int) -> int:
    """How much a record has to show (a screenshot of empty tabs shows little)."""
    from welcome_center.services import cases

    d = cases.get_record(uow, actor, record_id)  # type: ignore[arg-type]
    parts = (d.consultations, d.referrals, d.follow_ups, d.recognitions, d.residence_titles)
    return sum(min(len(p), 3) for p in parts) + 2 * sum(1 for p in parts if p)


def _extra_tabs(widget: object, save: object, name: str, first_too: bool = False) -> None:
    """Every tab of every QTabWidget inside ``widget`` (the first one is already shown)."""
    from PySide6.QtWidgets import QTabWidget, QWidget

    assert isinstance(widget, QWidget)
    top = widget.window()
    for tabs in widget.findChildren(QTabWidget):
        for i in range(tabs.count()):
            if i == 0 and not first_too:
                continue
            tabs.setCurrentIndex(i)
            save(top, f"{name}-tab{i}")  # type: ignore[operator]
        tabs.setCurrentIndex(0)


if __name__ == "__main__":
    sys.exit(main())
