"""A form's error lines under the names a service uses for the same fields.

Text refused when it is stored is named by its model attribute (``db.text_guard``): where a
form calls the field differently (the contact persons' "name" in the organisation editor, the
vocabulary service's "label" for the German label), the form passes its errors through this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from welcome_center.domain.errors import DomainError


class RenamedFields:
    """``errors`` (a ``forms.FieldErrors``) with the service's field names in ``names`` read as
    the form's; it is passed to ``Ops.write`` in place of ``errors``."""

    def __init__(self, errors: Any, names: Mapping[str, str]) -> None:
        self.errors = errors
        self.names = dict(names)

    def clear(self) -> None:
        self.errors.clear()

    def show(self, exc: DomainError) -> bool:
        if exc.field in self.names:
            renamed = DomainError(exc.message, field=self.names[exc.field], code=exc.code)
            return bool(self.errors.show(renamed))
        return bool(self.errors.show(exc))

    def message(self, field: str) -> str:
        return str(self.errors.message(self.names.get(field, field)))
