"""Record numbers: ``WC-2024-0042``, per year, with the office's prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(?P<prefix>[A-Za-z0-9]{1,10})-(?P<year>\d{4})-(?P<seq>\d{1,6})$")


@dataclass(frozen=True, order=True)
class CaseNumber:
    prefix: str
    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}-{self.seq:04d}"

    @classmethod
    def parse(cls, text: str) -> CaseNumber:
        """Read ``WC-2024-0042``; raises ValueError for anything else."""
        m = _PATTERN.match(text.strip())
        if not m:
            raise ValueError(text)
        return cls(m["prefix"].upper(), int(m["year"]), int(m["seq"]))


def valid_prefix(prefix: str) -> bool:
    """A prefix is 1 to 10 letters or digits."""
    return re.fullmatch(r"[A-Za-z0-9]{1,10}", prefix) is not None
