"""The desk: the only PySide6 code. Pages, dialogs, table models and widgets built in code, calling
the services through :mod:`welcome_center.ui.ops`."""
