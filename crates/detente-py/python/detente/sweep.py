"""Sweeps: many preference profiles of one model analysed at once, in-process on every
core or split into chunks on a Dask cluster, with the same answer either way.

A *profile* is one choice of every DM's preferences. The model's declared uncertainty
(statements or tiers marked with ``priority = [lowest, highest]``) gives numbered
profiles: every consistent one (``profiles="all"``) or a seeded sample (``profiles=N``).
Profile ``i`` is the same whichever chunk analyses it, so a sweep split across Dask
workers returns the very rows, in the very order, of a sweep run in one process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

from ._document import Document, _pandas

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from . import Model

#: The schema of a sweep's answer (as detente-report writes it).
SWEEP_SCHEMA = "detente.sweep/1"

#: Profiles per chunk when a sweep runs on a cluster and ``chunks`` is not given: enough
#: work per task that scheduling costs little, and chunks enough to keep workers busy.
CHUNK_PROFILES = 64


def sweep(
    model: "Model",
    profiles: Union[str, int, Sequence[Mapping[str, Any]]] = "all",
    *,
    concepts: Union[None, str, Iterable[str]] = None,
    vary: Union[None, str, Iterable[str]] = None,
    seed: int = 1,
    client: Any = None,
    chunks: Optional[int] = None,
) -> "Sweep":
    """Analyses many preference profiles of ``model`` and returns each one's equilibria.

    ``profiles`` is

    - ``"all"``: every consistent profile of the model's uncertain preferences (one, the
      model as written, when it declares none; at most 1,000,000);
    - a number ``N``: ``N`` profiles drawn uniformly at random, with replacement, from
      ``seed`` (the same seed draws the same profiles);
    - a list of profiles you build, each a dict from DM names or ids to new preferences:
      a list of statements, or ``{"statements": [...]}`` or ``{"ranking": [...]}`` as
      :meth:`Model.with_preferences` takes them (DMs not named keep theirs).

    ``vary`` (DM names or ids) limits ``"all"`` and samples to those DMs' uncertain
    elements; the others keep the order written. ``concepts`` as for
    :meth:`Model.analyze`.

    With ``client=None`` the profiles are analysed in this process on every core, with
    the GIL released. Given a ``dask.distributed.Client``, they are split into ``chunks``
    (by default about :data:`CHUNK_PROFILES` profiles each, and at least two per worker)
    that the cluster's workers analyse; the answer is the same.

    Raises :class:`RequestError` for an unknown DM, concept or profile that is not
    well-formed (naming the profile), :class:`LimitError` over 1,000,000 profiles.
    """
    request = _request(profiles, concepts, vary, seed)
    if client is None:
        return Sweep(json.loads(model._native.sweep_json(json.dumps(request))))
    if chunks is not None and chunks < 1:
        raise ValueError("chunks must be at least 1")
    # The sweep's head (what varies, how many profiles) costs nothing to compute here.
    answer = json.loads(model._native.sweep_json(json.dumps(dict(request, range=[0, 0]))))
    bounds = _split(answer["count"], chunks or _chunk_count(client, answer["count"]))
    # The model and the request (listed profiles and all) go to each worker once, under
    # keys of this sweep's own: with content-hashed keys, a sweep repeated at once would
    # share keys with the one before, which the scheduler may be releasing.
    shared_model = client.scatter(model, broadcast=True, hash=False)
    shared_request = client.scatter(request, broadcast=True, hash=False)
    tasks = [
        client.submit(_sweep_chunk, shared_model, shared_request, start, end, pure=False)
        for start, end in bounds
    ]
    answer["profiles"] = [row for part in client.gather(tasks) for row in part]
    return Sweep(answer)


def _sweep_chunk(model: "Model", request: dict, start: int, end: int) -> "list[dict[str, Any]]":
    """The rows of profiles ``start`` to ``end`` (excluded) of a sweep, on a worker."""
    return json.loads(model._native.sweep_json(json.dumps(dict(request, range=[start, end]))))[
        "profiles"
    ]


def _chunk_count(client: Any, count: int) -> int:
    """How many chunks a sweep of ``count`` profiles is split into on ``client``."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    return max(2 * workers, -(-count // CHUNK_PROFILES))


def _split(count: int, chunks: int) -> "list[tuple[int, int]]":
    """``range(count)`` as at most ``chunks`` consecutive, near-equal, non-empty ranges."""
    chunks = max(1, min(chunks, count))
    size, extra = divmod(count, chunks)
    bounds, start = [], 0
    for k in range(chunks):
        end = start + size + (1 if k < extra else 0)
        if end > start:
            bounds.append((start, end))
        start = end
    return bounds


def _request(
    profiles: Union[str, int, Sequence[Mapping[str, Any]]],
    concepts: Union[None, str, Iterable[str]],
    vary: Union[None, str, Iterable[str]],
    seed: int,
) -> "dict[str, Any]":
    """The sweep request the native module reads."""
    from . import _names

    # Only the shape of the request is checked here; what it asks is detente-app's to judge.
    if isinstance(profiles, bool):
        raise TypeError('profiles must be "all", a number of profiles or a list of profiles')
    if isinstance(profiles, str):
        if profiles != "all":
            raise ValueError(f'profiles must be "all", a number or a list, not {profiles!r}')
        chosen: Any = "all"
    elif isinstance(profiles, int):
        chosen = {"sample": profiles, "seed": seed}
    elif isinstance(profiles, (list, tuple)):
        listed = []
        for k, profile in enumerate(profiles):
            if not isinstance(profile, Mapping):
                raise TypeError(f"profile {k + 1} must be a dict from DMs to preferences")
            listed.append({str(dm): _preferences_of(p) for dm, p in profile.items()})
        chosen = {"listed": listed}
    else:
        raise TypeError(
            f'profiles must be "all", a number of profiles or a list of profiles, '
            f"not {type(profiles).__name__}"
        )
    return {
        "profiles": chosen,
        "concepts": _names(concepts),
        "vary": _names(vary),
        "range": None,
    }


def _preferences_of(preferences: Any) -> "dict[str, Any]":
    """A DM's preferences in a listed profile as a model file's keys."""
    from . import _position

    if isinstance(preferences, Mapping):
        statements = preferences.get("statements")
        ranking = preferences.get("ranking")
        unknown = set(preferences) - {"statements", "ranking"}
        if unknown:
            raise ValueError(f"preferences are statements or a ranking, not {sorted(unknown)}")
        return _position(statements, ranking)
    return _position(preferences, None)


class Sweep(Document):
    """A sweep's answer: a read-only mapping with the keys of ``detente.sweep/1``
    (docs/JSON_SCHEMA.md).

    ``profiles`` holds one dict per profile, in profile order: ``profile`` (its number,
    from 0), ``positions`` (the position, from 1, each uncertain element takes, in the
    order of ``uncertain``; empty for listed profiles) and ``equilibria`` (concept →
    state numbers). :meth:`to_pandas` and :meth:`shares` give them as data frames.
    """

    __slots__ = ()

    SCHEMA = SWEEP_SCHEMA

    def __repr__(self) -> str:
        return (
            f"<detente.Sweep of {self._data['model']!r}: {len(self._data['profiles'])} "
            f"profiles ({self._data['method']}), concepts {', '.join(self.concepts)}>"
        )

    @property
    def method(self) -> str:
        """How the profiles were chosen: ``"exact"``, ``"sampled"`` or ``"listed"``."""
        return self._data["method"]

    @property
    def concepts(self) -> "list[str]":
        """The concepts analysed, in the engine's order."""
        return list(self._data["concepts"])

    @property
    def uncertain(self) -> "list[dict[str, Any]]":
        """What varies: ``{"decision_maker", "kind", "element", "text", "positions"}`` per
        uncertain element (``element`` its place as written, ``positions`` the first and
        last place it may take, from 1)."""
        return [dict(u) for u in self._data["uncertain"]]

    @property
    def profiles(self) -> "list[dict[str, Any]]":
        """Each profile's row (a deep copy)."""
        return json.loads(json.dumps(self._data["profiles"]))

    def share(self, state: int) -> "dict[str, float]":
        """For each concept, the share of the profiles under which state number ``state``
        is an equilibrium. Shares over preference profiles are not probabilities: each
        profile counts once, however plausible."""
        if isinstance(state, bool) or not isinstance(state, int):
            raise TypeError(f"a state number is needed (Model.state gives one), not {state!r}")
        rows = self._data["profiles"]
        if not rows:
            raise ValueError("the sweep analysed no profiles")
        return {
            c: sum(state in row["equilibria"][c] for row in rows) / len(rows)
            for c in self._data["concepts"]
        }

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per profile, indexed by profile number (``profile``): a column per
        uncertain element (``"<DM> <kind> <element>"``, the position it takes) and per
        concept a column of the equilibria's state numbers (a tuple)."""
        pd = _pandas()
        data = self._data
        names = [f"{u['decision_maker']} {u['kind']} {u['element']}" for u in data["uncertain"]]
        columns: "dict[str, list[Any]]" = {n: [] for n in names}
        for concept in data["concepts"]:
            columns[concept] = []
        for row in data["profiles"]:
            for n, position in zip(names, row["positions"]):
                columns[n].append(position)
            for concept in data["concepts"]:
                columns[concept].append(tuple(row["equilibria"][concept]))
        index = pd.Index([row["profile"] for row in data["profiles"]], name="profile")
        return pd.DataFrame(columns, index=index)

    def shares(self) -> "pandas.DataFrame":
        """One row per state that is an equilibrium under at least one profile, indexed by
        state number (``state``), and per concept the share of profiles under which it is
        one (not a probability: each profile counts once)."""
        pd = _pandas()
        data = self._data
        rows = data["profiles"]
        counts: "dict[int, dict[str, int]]" = {}
        for row in rows:
            for concept in data["concepts"]:
                for state in row["equilibria"][concept]:
                    counts.setdefault(state, dict.fromkeys(data["concepts"], 0))[concept] += 1
        states = sorted(counts)
        columns = {c: [counts[s][c] / len(rows) for s in states] for c in data["concepts"]}
        return pd.DataFrame(columns, index=pd.Index(states, name="state"))
