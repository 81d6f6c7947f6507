"""Qt's own words (dialog buttons, context menus, date pickers) in the desk's language."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from welcome_center import i18n

_QT_LOCALES = {
    "de": (QLocale.Language.German, QLocale.Country.Germany),
    "en": (QLocale.Language.English, QLocale.Country.UnitedKingdom),
}


def install(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Load Qt's shipped catalogs for ``lang`` and make its locale the default; returns the
    translators (kept by the caller, and parented to the application)."""
    language, country = _QT_LOCALES[lang]
    locale = QLocale(language, country)
    QLocale.setDefault(locale)
    installed = []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for catalog in ("qtbase",):
        translator = QTranslator(app)
        if translator.load(locale, catalog, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def short_date(value: date | None) -> str:
    """``24.11.2026`` in German, ``24/11/2026`` in English; "" for no date."""
    return i18n.format_short_date(value) if value else ""
