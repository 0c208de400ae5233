"""Type stubs of the native module ``detente._detente`` (crates/detente-py/src/lib.rs)."""

from typing import Optional

class DetenteError(ValueError):
    """Base class of every error detente raises."""

    message: str
    help: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]

class ModelError(DetenteError):
    """The model is at fault; the message gives its file, line and column."""

class RequestError(DetenteError):
    """The request names something that does not exist or asks for what cannot be done."""

class LimitError(DetenteError):
    """The request is over a limit (states, time, the size of an analysis)."""

DEFAULT_EXACT_LIMIT: int
DEFAULT_SAMPLES: int

class Model:
    """A model read and compiled, ready for any analysis."""

    @property
    def name(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def state_count(self) -> int: ...
    @property
    def status_quo(self) -> Optional[int]: ...
    def states(self) -> list[str]: ...
    def state_number(self, text: str) -> int: ...
    def with_preferences_json(self, positions_json: str) -> Model: ...
    def with_status_quo(self, state: Optional[str] = None) -> Model: ...
    def sweep_json(self, request_json: str) -> str: ...
    def describe_json(self) -> str: ...
    def analyze_json(self, concepts: Optional[list[str]] = None) -> str: ...
    def explain_json(
        self, state: str, dms: Optional[list[str]] = None, concepts: Optional[list[str]] = None
    ) -> str: ...
    def evolve_json(
        self,
        start: Optional[str] = None,
        concepts: Optional[list[str]] = None,
        coalitions: Optional[str] = None,
        named: Optional[list[list[str]]] = None,
    ) -> str: ...
    def coalitions_json(
        self,
        concept: str = "seq",
        coalitions: Optional[str] = None,
        named: Optional[list[list[str]]] = None,
    ) -> str: ...
    def foresight_json(
        self, horizon: int = 2, outlook: str = "cautious", states: Optional[list[str]] = None
    ) -> tuple[str, str]: ...
    def robustness_json(
        self,
        concepts: Optional[list[str]] = None,
        exact_limit: int = 4096,
        samples: int = 1000,
        seed: int = 1,
    ) -> tuple[str, str]: ...
    def inverse_json(
        self,
        state: str,
        vary: Optional[list[str]] = None,
        concepts: Optional[list[str]] = None,
        count: bool = False,
        sample: Optional[int] = None,
        seed: int = 1,
        full: bool = False,
    ) -> str: ...
    def verdicts_json(self, concepts: Optional[list[str]] = None) -> str: ...
    def to_toml(self) -> str: ...
    def to_gmcr(self) -> tuple[str, list[str]]: ...

def load_file(path: str, max_states: Optional[int] = None) -> Model: ...
def load_text(text: str, name: str = "<text>", max_states: Optional[int] = None) -> Model: ...
def example(name: Optional[str] = None, max_states: Optional[int] = None) -> Model: ...
def examples() -> list[tuple[str, str]]: ...
def generate(
    dms: int = 4,
    options_per_dm: int = 3,
    rules: int = 0,
    rule_width: int = 3,
    irreversible: int = 0,
    preferences: str = "prioritization",
    statements: int = 6,
    tiers: int = 8,
    seed: int = 1,
    max_states: Optional[int] = None,
) -> Model: ...
