"""Enumerations whose members carry the label people read, so that every page says the same."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class LabelledEnum(StrEnum):
    """A :class:`StrEnum` whose members are declared ``NAME = "value", "Label"``.

    Members are their values (``AlertState.OVERLAP == "overlap"``), as stored in the database.
    """

    label: str

    def __new__(cls, value: str, label: str) -> Any:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Every value, in declaration order (for CHECK constraints and "one of" messages)."""
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Value to label, in declaration order (for choices and badges)."""
        return {member.value: member.label for member in cls}
