"""The desk: the only PySide6 code (main window, pages, dialogs, table models)."""
