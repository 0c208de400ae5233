"""The read-only wrapper every JSON answer of detente's is given in Python."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any


class Document(Mapping):
    """A JSON answer of the command line's, read-only: a mapping with the keys of its
    schema (docs/JSON_SCHEMA.md), its ``schema`` key checked."""

    __slots__ = ("_data",)

    #: The schema this kind of answer has.
    SCHEMA = ""

    def __init__(self, data: dict) -> None:
        """Wraps a decoded document of this class's schema."""
        if data.get("schema") != self.SCHEMA:
            raise ValueError(f"not a {self.SCHEMA} document: {data.get('schema')!r}")
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def to_dict(self) -> dict:
        """The answer as a plain dict (a deep copy), equal to the CLI's JSON."""
        return json.loads(json.dumps(self._data))

    def to_json(self, **kwargs: Any) -> str:
        """The answer as JSON text; keyword arguments go to :func:`json.dumps`."""
        return json.dumps(self._data, **kwargs)


def _pandas() -> Any:
    """The pandas module, imported on first use."""
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install pandas") from e
    return pandas
