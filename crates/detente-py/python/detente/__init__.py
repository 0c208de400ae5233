"""detente: conflict analysis with the Graph Model for Conflict Resolution (GMCR).

The same application layer as the ``detente`` command line and workbench, from Python::

    import detente

    model = detente.example("nrc")
    analysis = model.analyze(["nash", "gmr", "seq"])
    analysis["equilibria"]["nash"]       # state numbers, as ``detente analyze --format json``
    frame = analysis.to_pandas()         # one row per state (needs pandas)

Errors are raised as :class:`ModelError` (the model is at fault; the message gives its file,
line and column), :class:`RequestError` (the request names something that does not exist)
or :class:`LimitError`; all three derive from :class:`DetenteError`, a ``ValueError``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Optional, Union

from . import _detente
from ._detente import DetenteError, LimitError, ModelError, RequestError
from ._document import Document, _pandas
from .sweep import Sweep, sweep

# The errors are named as the package exposes them, so that they pickle (as a Dask worker
# sends them back) to these very classes, which `except detente.RequestError` catches.
for _error in (DetenteError, ModelError, RequestError, LimitError):
    _error.__module__ = "detente"

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "Analysis",
    "Sweep",
    "DetenteError",
    "Document",
    "Foresight",
    "LimitError",
    "Model",
    "ModelError",
    "RequestError",
    "Robustness",
    "example",
    "examples",
    "generate",
    "load",
    "sweep",
]

#: The schema of :meth:`Model.analyze`'s answer, as the CLI's ``analyze --format json``.
ANALYSIS_SCHEMA = "detente.analysis/1"
#: The schema of :meth:`Model.foresight`'s answer, as the CLI's ``foresight --format json``.
FORESIGHT_SCHEMA = "detente.foresight/1"
#: The schema of :meth:`Model.robustness`'s answer, as the CLI's ``robustness --format json``.
ROBUSTNESS_SCHEMA = "detente.robustness/1"
#: :meth:`Model.robustness` analyses every profile when there are at most this many.
DEFAULT_EXACT_LIMIT: int = _detente.DEFAULT_EXACT_LIMIT
#: :meth:`Model.robustness` draws this many profiles when there are more.
DEFAULT_SAMPLES: int = _detente.DEFAULT_SAMPLES


def load(
    source: Union[str, "os.PathLike[str]"],
    *,
    name: Optional[str] = None,
    max_states: Optional[int] = None,
) -> "Model":
    """Reads and compiles a model.

    ``source`` is a path to a ``.toml`` (detente) or ``.gmcr`` (GMCR+) file, or the text of
    such a file. A path-like object is a path. A string is read by this rule, in order:

    1. with a line break in it, it is a model's text;
    2. naming an existing file, it is that file's path;
    3. starting (after blanks) with ``{`` (a ``.gmcr`` file's JSON) or holding an ``=``
       (a line of TOML), it is a model's text;
    4. anything else is a path, and a missing file is a :class:`RequestError`.

    ``name`` is the name a text is given in error messages; its extension tells the format
    (otherwise it is told from the content). ``max_states`` bounds the number of feasible
    states (the command line's default otherwise).

    Raises :class:`ModelError` when the model is at fault (located in its file),
    :class:`RequestError` when the file cannot be read, :class:`LimitError` when the model
    has more states than ``max_states``.
    """
    if isinstance(source, os.PathLike):
        if name is not None:
            raise TypeError("name is only for a model given as text")
        return Model(_detente.load_file(os.fspath(source), max_states=max_states))
    if not isinstance(source, str):
        raise TypeError(f"expected a path or a model's text, not {type(source).__name__}")
    if _is_text(source):
        return Model(_detente.load_text(source, name or "<text>", max_states=max_states))
    if name is not None:
        raise TypeError("name is only for a model given as text")
    return Model(_detente.load_file(source, max_states=max_states))


def _is_text(source: str) -> bool:
    """Whether :func:`load` reads the string ``source`` as a model's text (see its rule)."""
    if "\n" in source or "\r" in source:
        return True
    if os.path.isfile(source):
        return False
    return source.lstrip().startswith("{") or "=" in source


def example(name: str = "nrc", *, max_states: Optional[int] = None) -> "Model":
    """A built-in model by name (see :func:`examples`); ``"nrc"`` by default.

    Raises :class:`RequestError` when there is no built-in model of that name.
    """
    return Model(_detente.example(name, max_states=max_states))


def generate(
    *,
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
) -> "Model":
    """A random model of the given shape, as ``detente generate`` makes it: the same shape
    and seed always give the same model.

    ``dms`` decision makers with ``options_per_dm`` options each; ``rules`` infeasibility
    rules, each forbidding one combination of ``rule_width`` options; ``irreversible`` per
    cent of the options irreversible; ``preferences`` either ``"prioritization"``
    (``statements`` random statements per DM) or ``"ranking"`` (every state ranked in
    ``tiers`` tiers).

    Raises :class:`RequestError` for a shape detente cannot hold.
    """
    return Model(
        _detente.generate(
            dms=dms,
            options_per_dm=options_per_dm,
            rules=rules,
            rule_width=rule_width,
            irreversible=irreversible,
            preferences=preferences,
            statements=statements,
            tiers=tiers,
            seed=seed,
            max_states=max_states,
        )
    )


def examples() -> "list[tuple[str, str]]":
    """The built-in models, as ``(name, title)`` pairs."""
    return list(_detente.examples())


def _from_toml(text: str, states: int) -> "Model":
    """A model read back from its TOML text (see :meth:`Model.__reduce__`)."""
    return Model(_detente.load_text(text, "model.toml", max_states=max(states, 1)))


def _position(
    statements: Optional[Iterable[Union[str, Mapping[str, Any]]]], ranking: Optional[Iterable[Any]]
) -> "dict[str, Any]":
    """Preferences as a model file's keys: ``preferences`` (statements) or ``ranking``."""
    if (statements is None) == (ranking is None):
        raise TypeError("give either statements or a ranking")
    if statements is not None:
        if isinstance(statements, str):
            raise TypeError("statements are a list of statements, not one string")
        return {"preferences": [s if isinstance(s, str) else dict(s) for s in statements]}
    return {"ranking": [list(t) if isinstance(t, (list, tuple)) else t for t in ranking]}


def _names(names: Union[None, str, Iterable[str]]) -> Optional["list[str]"]:
    """Concept keys or DM names given as one string or several, as a list (``None`` kept)."""
    if names is None:
        return None
    if isinstance(names, str):
        return [names]
    return [str(n) for n in names]


def _state_list(states: Union[None, int, str, Iterable[Union[int, str]]]) -> Optional["list[str]"]:
    if states is None:
        return None
    if isinstance(states, (int, str)):
        return [str(states)]
    return [str(s) for s in states]


def _coalition_choice(
    coalitions: Union[None, str, Iterable[Iterable[str]]],
) -> "tuple[Optional[str], Optional[list[list[str]]]]":
    """``"listed"``/``"all"``/``None`` as the choice, or the coalitions named."""
    if coalitions is None or isinstance(coalitions, str):
        return coalitions, None
    return None, [[str(dm) for dm in c] for c in coalitions]


class Model:
    """A model read and compiled, ready for analysis.

    Create one with :func:`load` or :func:`example`. Everything it exposes is plain Python
    data (strings, numbers, lists and dicts).
    """

    __slots__ = ("_native", "_described")

    def __init__(self, native: "_detente.Model") -> None:
        """Wraps a native model; use :func:`load` or :func:`example` instead."""
        self._native = native
        self._described: Optional[dict] = None

    def _description(self) -> dict:
        if self._described is None:
            self._described = json.loads(self._native.describe_json())
        return self._described

    @property
    def name(self) -> str:
        """The model's name."""
        return self._native.name

    @property
    def source(self) -> str:
        """Where the model was read from (a path, a text's name or the example's)."""
        return self._native.source

    @property
    def description(self) -> Optional[str]:
        """The model's description, if it has one."""
        return self._description()["description"]

    @property
    def decision_makers(self) -> "list[dict[str, Any]]":
        """The decision makers in order: ``{"id", "name", "options": [option ids]}``."""
        return [
            {"id": d["id"], "name": d["name"], "options": list(d["options"])}
            for d in self._description()["decision_makers"]
        ]

    @property
    def options(self) -> "list[dict[str, Any]]":
        """The options in column order (option ``k`` is letter ``k`` of a state's Y/N
        string): ``{"id", "name", "decision_maker", "direction"}``."""
        return [dict(o) for o in self._description()["options"]]

    @property
    def preferences(self) -> "dict[str, dict[str, Any]]":
        """Each DM's preferences as the model file writes them, by DM id:
        ``{"statements": [...] or None, "ranking": [...] or None}`` (option
        prioritization statements, or a ranking of states in tiers)."""
        return {
            d["id"]: json.loads(json.dumps(d["preferences"]))
            for d in self._description()["decision_makers"]
        }

    @property
    def state_count(self) -> int:
        """The number of feasible states."""
        return self._native.state_count

    @property
    def states(self) -> "list[str]":
        """Every feasible state's Y/N string; state number ``i`` is at index ``i - 1``."""
        return self._native.states()

    @property
    def status_quo(self) -> Optional[int]:
        """The status quo's state number, or ``None`` when the model names none."""
        return self._native.status_quo

    def state(self, state: Union[int, str]) -> int:
        """The number of the state ``state`` names: a state number, a Y/N string, the
        name of a named state or ``"sq"`` (the status quo).

        Raises :class:`RequestError` when there is no such state.
        """
        return self._native.state_number(str(state))

    def with_preferences(
        self,
        dm: str,
        statements: Optional[Iterable[Union[str, Mapping[str, Any]]]] = None,
        *,
        ranking: Optional[Iterable[Any]] = None,
    ) -> "Model":
        """A copy of this model in which decision maker ``dm`` (its name or id) has new
        preferences: option prioritization ``statements`` (most important first; each a
        statement such as ``"a & !b"`` or a dict with the keys of a model file's
        statement: ``statement``, ``description``, ``source``, ``priority``) or a
        ``ranking`` of states in tiers (most preferred first), as a model file writes
        them. Give one of the two. This model is unchanged.

        The new model is checked as a model file is: a statement that names no option of
        the model raises :class:`ModelError`, located at its place in the model's form
        (``the model form: at /dm/1/preferences/0: ...``); an unknown DM raises :class:`RequestError`.
        """
        return Model(self._native.with_preferences_json(json.dumps({dm: _position(statements, ranking)})))

    def with_status_quo(self, state: Union[None, int, str]) -> "Model":
        """A copy of this model whose status quo is ``state`` (as for :meth:`state`), or
        without a status quo when ``state`` is ``None``. This model is unchanged.

        Raises :class:`RequestError` when there is no such state.
        """
        return Model(self._native.with_status_quo(None if state is None else str(state)))

    def analyze(self, concepts: Union[None, str, Iterable[str]] = None) -> "Analysis":
        """Stability of every state for every DM under ``concepts``.

        ``concepts`` are keys among ``nash``, ``gmr``, ``smr``, ``seq``, ``sim`` and
        ``seqsim`` (one string or several); ``None`` analyses the command line's defaults
        (all of them, less SIM and SEQ&SIM on very large models). The answer holds what
        ``detente analyze --format json`` writes (schema ``detente.analysis/1``). The
        engine runs without the GIL.

        Raises :class:`RequestError` for an unknown or empty list of concepts.
        """
        return Analysis(json.loads(self._native.analyze_json(_names(concepts))))

    def explain(
        self,
        state: Union[int, str],
        dms: Union[None, str, Iterable[str]] = None,
        concepts: Union[None, str, Iterable[str]] = None,
    ) -> "dict[str, Any]":
        """Why ``state`` is or is not stable, for each of ``dms`` under each of ``concepts``.

        ``state`` is a state number, a Y/N string, the name of a named state or ``"sq"``
        (the status quo); ``dms`` are DM names or ids (``None``: every DM); ``concepts``
        as for :meth:`analyze` (``None``: all of them). The answer is what
        ``detente explain --format json`` writes (schema ``detente.explanation/1``): per DM,
        per concept, whether it is stable, each improvement and what sanctions it.

        Raises :class:`RequestError` for an unknown state, DM or concept.
        """
        return json.loads(
            self._native.explain_json(str(state), _names(dms), _names(concepts))
        )

    def evolve(
        self,
        start: Union[None, int, str] = None,
        concepts: Union[None, str, Iterable[str]] = None,
        coalitions: Union[None, str, Iterable[Iterable[str]]] = None,
    ) -> "dict[str, Any]":
        """The states reachable from ``start`` by the DMs' unilateral improvements, the
        equilibria among them under ``concepts`` and the shortest path to each.

        ``start`` as the state of :meth:`explain` (``None``: the status quo); ``concepts`` as
        for :meth:`analyze`; ``coalitions`` adds joint improvements: ``"listed"`` (the
        model's coalitions), ``"all"`` or a list of coalitions, each a list of DM names or
        ids. The answer is what ``detente evolve --format json`` writes (schema
        ``detente.evolution/1``).

        Raises :class:`RequestError` when there is no status quo to start from, or for an
        unknown state, concept or DM.
        """
        choice, named = _coalition_choice(coalitions)
        text = self._native.evolve_json(
            None if start is None else str(start), _names(concepts), choice, named
        )
        return json.loads(text)

    def coalitions(
        self,
        concept: str = "seq",
        coalitions: Union[None, str, Iterable[Iterable[str]]] = None,
    ) -> "dict[str, Any]":
        """Coalitional stability under ``concept`` (``"nash"``, ``"gmr"``, ``"smr"`` or
        ``"seq"``, the default), and which coalitions, moving jointly to states every member
        prefers, can upset each of the concept's equilibria.

        ``coalitions`` as for :meth:`evolve`: ``None`` or ``"listed"`` examines the model's
        ``[[coalition]]`` entries (every coalition of two or more DMs if it lists none),
        ``"all"`` every coalition of two or more DMs, or a list of coalitions, each a list
        of DM names or ids. The answer is what ``detente coalitions --format json`` writes
        (schema ``detente.coalitions/2``).

        Raises :class:`RequestError` for an unknown concept or DM; :class:`LimitError` for a
        concept coalition analysis does not cover (``sim``, ``seqsim``), or when there are
        too many coalitions or states for it.
        """
        choice, named = _coalition_choice(coalitions)
        return json.loads(self._native.coalitions_json(concept, choice, named))

    def foresight(
        self,
        horizon: int = 2,
        outlook: str = "cautious",
        states: Union[None, int, str, Iterable[Union[int, str]]] = None,
    ) -> "Foresight":
        """Limited-move stability L_h: which states are stable for each DM when every DM
        looks ``horizon`` moves ahead (its own move, then the answers; ``1`` is Nash), and
        non-myopic stability (every large enough horizon).

        ``outlook`` is ``"cautious"`` (the default: a DM expects ties among moves and
        answers to go against it) or ``"hopeful"``; ``states`` (a state as for
        :meth:`explain`, or several) adds the lines of play behind every DM's verdict there.
        The answer is what ``detente foresight --format json`` writes (schema
        ``detente.foresight/1``); :meth:`Foresight.to_pandas` gives its table.

        Raises :class:`RequestError` for a horizon out of range (1 to 10,000), an unknown
        outlook or state; :class:`LimitError` when the horizon is too long for the model.
        """
        text, table = self._native.foresight_json(horizon, outlook, _state_list(states))
        return Foresight(json.loads(text), table)

    def robustness(
        self,
        concepts: Union[None, str, Iterable[str]] = None,
        *,
        exact_limit: int = DEFAULT_EXACT_LIMIT,
        samples: int = DEFAULT_SAMPLES,
        seed: int = 1,
    ) -> "Robustness":
        """Robustness under the model's uncertain preferences (``priority`` ranges): for
        each state, the share of the preference profiles they allow under which it is an
        equilibrium under each of ``concepts`` (as for :meth:`analyze`), and for the status
        quo and named states the share under which each DM is stable.

        Every profile is analysed when there are at most ``exact_limit`` (4096 by default);
        otherwise ``samples`` profiles (1000 by default) are drawn at random from ``seed``
        (1 by default; the same seed gives the same answer). The answer is what
        ``detente robustness --format json`` writes (schema ``detente.robustness/1``);
        :meth:`Robustness.to_pandas` gives one row per state.

        Raises :class:`RequestError` for an unknown or empty list of concepts;
        :class:`LimitError` when ``exact_limit`` or ``samples`` is over 1,000,000 or
        ``samples`` is 0, or the model is too large to analyse once per profile.
        """
        text, table = self._native.robustness_json(
            _names(concepts), exact_limit, samples, seed
        )
        return Robustness(json.loads(text), table)

    def inverse(
        self,
        state: Union[int, str],
        vary: Union[None, str, Iterable[str]] = None,
        concepts: Union[None, str, Iterable[str]] = None,
        *,
        count: bool = False,
        sample: Optional[int] = None,
        seed: int = 1,
        full: bool = False,
    ) -> "dict[str, Any]":
        """Inverse analysis: what the DMs in ``vary`` (names or ids; ``None``: every DM)
        would have to prefer for ``state`` (as for :meth:`explain`) to be an equilibrium,
        the others keeping the model's preferences.

        ``concepts`` among ``nash``, ``gmr``, ``smr`` and ``seq`` (``None``: all four).
        ``count=True`` counts the varied DMs' rankings that meet the conditions;
        ``sample=n`` draws ``n`` of them (1 to 100) at random from ``seed`` (1 by default);
        ``full=True`` lists every comparison (otherwise at most 500 per concept and DM,
        with a count of the rest). The answer is what ``detente inverse --format json``
        writes (schema ``detente.inverse/1``).

        Raises :class:`RequestError` for an unknown state, DM or concept, a concept inverse
        analysis does not cover (SIM, SEQ&SIM), an empty ``vary`` or a ``sample`` out of
        range; :class:`LimitError` when the conditions are too large to derive.
        """
        text = self._native.inverse_json(
            str(state),
            _names(vary),
            _names(concepts),
            count=count,
            sample=sample,
            seed=seed,
            full=full,
        )
        return json.loads(text)

    def verdicts(self, concepts: Union[None, str, Iterable[str]] = None) -> "dict[str, Any]":
        """The verdicts in plain words that ``detente analyze`` opens with, on the status
        quo and each named state, under ``concepts`` (as for :meth:`analyze`): whether it
        holds and under which assumptions, who would defect and to what, what deters them,
        what they would have to prefer instead, and, where the model has uncertain
        preferences (at most 1024 orders), how often it holds.

        The answer is what the workbench's ``POST /api/verdicts`` answers (schema
        ``detente.verdicts/1``, docs/JSON_SCHEMA.md).

        Raises :class:`RequestError` for an unknown or empty list of concepts.
        """
        return json.loads(self._native.verdicts_json(_names(concepts)))

    def tableau(self, concepts: Union[None, str, Iterable[str]] = None) -> "pandas.DataFrame":
        """``self.analyze(concepts).to_pandas()``: the tableau as a pandas DataFrame."""
        return self.analyze(concepts).to_pandas()

    def to_toml(self) -> str:
        """The model written in detente's TOML format."""
        return self._native.to_toml()

    def to_gmcr(self) -> str:
        """The model written as GMCR+'s ``.gmcr`` JSON.

        That format has no place for uncertain preferences, a status quo or named states:
        when the model has them they are dropped, with a :class:`UserWarning`.
        """
        text, dropped = self._native.to_gmcr()
        words = {
            "uncertainty": "uncertain preferences (the order as written is kept)",
            "states": "the status quo and named states",
        }
        for what in dropped:
            warnings.warn(f".gmcr has no place for {words[what]}: dropped", stacklevel=2)
        return text

    def __repr__(self) -> str:
        return repr(self._native)

    def __reduce__(self) -> "tuple[Any, tuple[str, Optional[int]]]":
        """Pickled as its TOML text (how a sweep ships a model to Dask's workers); read
        back under the state limit it was read with."""
        return (_from_toml, (self.to_toml(), self.state_count))


class Analysis(Document):
    """An analysis's answer: a read-only mapping with the keys of the CLI's JSON
    (schema ``detente.analysis/1``): ``schema``, ``model``, ``decision_makers``,
    ``options``, ``state_count``, ``states``, ``status_quo``, ``concepts``,
    ``stability`` (concept → DM name → stable state numbers), ``equilibria``
    (concept → state numbers) and ``summary``."""

    __slots__ = ()

    SCHEMA = ANALYSIS_SCHEMA

    def __repr__(self) -> str:
        return (
            f"<detente.Analysis of {self._data['model']['name']!r}: "
            f"{self._data['state_count']} states, concepts {', '.join(self._data['concepts'])}>"
        )

    @property
    def concepts(self) -> "list[str]":
        """The concepts analysed, in the engine's order."""
        return list(self._data["concepts"])

    @property
    def equilibria(self) -> "dict[str, list[int]]":
        """Each concept's equilibria: the states stable for every DM, by number."""
        return {k: list(v) for k, v in self._data["equilibria"].items()}

    @property
    def stability(self) -> "dict[str, dict[str, list[int]]]":
        """Each concept's stable states for each DM (by DM name), by number."""
        return {c: {d: list(s) for d, s in dms.items()} for c, dms in self._data["stability"].items()}

    def to_pandas(self) -> "pandas.DataFrame":
        """The tableau as a pandas DataFrame: one row per state, indexed by state number
        (``state``). Columns: ``yn`` (the state's Y/N string), one boolean column per
        option (by option id, in column order), ``status_quo``, then for each concept
        ``"<concept>/<DM name>"`` (stable for that DM) for every DM and
        ``"<concept>/equilibrium"`` (stable for all of them).

        Needs pandas (``pip install pandas``), imported only when this is called.
        """
        pd = _pandas()
        data = self._data
        states = data["states"]
        ids = [s["id"] for s in states]
        position = {sid: i for i, sid in enumerate(ids)}
        columns: "dict[str, list[Any]]" = {"yn": [s["yn"] for s in states]}
        for k, option in enumerate(data["options"]):
            columns[option["id"]] = [s["yn"][k] == "Y" for s in states]
        columns["status_quo"] = [sid == data["status_quo"] for sid in ids]

        def flags(stable: "list[int]") -> "list[bool]":
            column = [False] * len(ids)
            for sid in stable:
                column[position[sid]] = True
            return column

        for concept in data["concepts"]:
            for dm in data["decision_makers"]:
                columns[f"{concept}/{dm['name']}"] = flags(data["stability"][concept][dm["name"]])
            columns[f"{concept}/equilibrium"] = flags(data["equilibria"][concept])
        return pd.DataFrame(columns, index=pd.Index(ids, name="state"))


class _Tabular(Document):
    """A document that also has the CLI's CSV form: one row per state."""

    __slots__ = ("_csv",)

    def __init__(self, data: dict, csv_text: str) -> None:
        super().__init__(data)
        self._csv = csv_text

    def to_csv(self) -> str:
        """The table as the CLI's ``--format csv`` writes it."""
        return self._csv

    def _readers(self, header: "list[str]") -> "list[Callable[[str], Any]]":
        """How to read the cells of each column of the CSV."""
        raise NotImplementedError

    def to_pandas(self) -> "pandas.DataFrame":
        """The CSV's table as a pandas DataFrame indexed by state number (``state``), its
        cells typed (see the class's documentation for the columns)."""
        pd = _pandas()
        rows = csv.reader(io.StringIO(self._csv))
        header = next(rows)
        readers = self._readers(header)
        columns: "list[list[Any]]" = [[] for _ in header]
        for row in rows:
            for cells, read, cell in zip(columns, readers, row):
                cells.append(read(cell))
        ids = columns[0]
        frame = {name: cells for name, cells in zip(header[1:], columns[1:])}
        return pd.DataFrame(frame, index=pd.Index(ids, name=header[0]))


def _flag(cell: str) -> bool:
    return cell in ("1", "Y")


class Robustness(_Tabular):
    """A robustness analysis's answer: a read-only mapping with the keys of the CLI's
    JSON (schema ``detente.robustness/1``): ``schema``, ``model`` (its name), ``method``
    (``"exact"`` or ``"sampled"``), ``seed`` (``None`` when exact), ``profiles`` (how many
    the uncertain preferences allow; ``None`` past 2^128), ``analysed``, ``concepts``,
    ``uncertain`` (the uncertain statements and tiers) and ``states`` (the states that are
    an equilibrium under some profile, the status quo and the named states, each with its
    equilibrium share per concept and, per DM, its stability share per concept).

    :meth:`to_pandas` has one row for every state, indexed by state number (``state``),
    with the columns of ``detente robustness --format csv``: ``yn`` (the Y/N string),
    ``names`` (the status quo's and named states' names, ``"; "``-separated, or ``""``),
    then per concept ``<concept>_profiles`` (the profiles under which it is an
    equilibrium, int), ``<concept>_share`` (their share of those analysed, float) and
    ``<concept>_as_written`` (an equilibrium of the model as written, bool).
    """

    __slots__ = ()

    SCHEMA = ROBUSTNESS_SCHEMA

    def _readers(self, header: "list[str]") -> "list[Callable[[str], Any]]":
        # state, yn, names, then three columns per concept.
        per_concept = [int, float, _flag] * len(self._data["concepts"])
        return [int, str, str] + per_concept

    def __repr__(self) -> str:
        return (
            f"<detente.Robustness of {self._data['model']!r}: {self._data['method']}, "
            f"{self._data['analysed']} profiles analysed, concepts {', '.join(self._data['concepts'])}>"
        )


class Foresight(_Tabular):
    """A foresight analysis's answer: a read-only mapping with the keys of the CLI's JSON
    (schema ``detente.foresight/1``, docs/JSON_SCHEMA.md).

    :meth:`to_pandas` has one row for every state, indexed by state number (``state``),
    with the columns of ``detente foresight --format csv``: ``yn`` (the Y/N string), one
    boolean column per option (by option id), then per DM (by id) ``l<h>_<dm>``
    (L_h-stable, bool) and ``nm_<dm>`` (non-myopic: ``"stable"``, ``"unstable"``,
    ``"oscillating"``, or ``None`` where the anticipations did not settle), and last
    ``l<h>_equilibrium`` (bool) and ``nm_equilibrium`` (NM-stable for every DM: bool, or
    ``None`` where unknown).
    """

    __slots__ = ()

    SCHEMA = FORESIGHT_SCHEMA

    def _readers(self, header: "list[str]") -> "list[Callable[[str], Any]]":
        # state, yn, the options, l<h> and nm per DM, then l<h> and nm for all.
        dms = len(self._data["decision_makers"])
        options = len(header) - 2 - 2 * dms - 2
        per_dm: "list[Callable[[str], Any]]" = [_flag, _NON_MYOPIC.__getitem__] * dms
        return [int, str] + [_flag] * options + per_dm + [_flag, _settled_flag]

    def __repr__(self) -> str:
        return f"<detente.Foresight of {self._data['model']!r}>"


_NON_MYOPIC = {"1": "stable", "0": "unstable", "~": "oscillating", "": None}


def _settled_flag(cell: str) -> Optional[bool]:
    return None if cell == "" else cell == "1"
