"""Tests of changing a model from Python and of `detente.sweep`, in-process and on a Dask
LocalCluster of two worker processes (which must give the very same answer)."""

import pickle

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import detente

NRC_PROFILES = 192  # 4 x 4 x 4 x 3 orders the NRC model's uncertain statements allow


@pytest.fixture(scope="module")
def nrc():
    return detente.example()


# --- changing a model ---------------------------------------------------------------------


def test_a_dm_given_its_own_statements_keeps_every_answer(nrc):
    own = nrc.preferences["russia"]["statements"]
    same = nrc.with_preferences("Russia", own)
    assert same.analyze().to_dict()["equilibria"] == nrc.analyze().to_dict()["equilibria"]
    assert same.preferences["russia"] == nrc.preferences["russia"]
    assert same.source == "the built-in example nrc (changed)"


def test_new_preferences_change_the_answer_and_leave_the_model_alone(nrc):
    before = nrc.to_toml()
    peaceful = nrc.with_preferences("russia", ["ru_ceasefire", {"statement": "!us_new_sanctions"}])
    assert nrc.to_toml() == before
    assert peaceful.preferences["russia"]["statements"][0] == "ru_ceasefire"
    assert peaceful.analyze(["nash"]).equilibria != nrc.analyze(["nash"]).equilibria
    # Written back and read again, the change is kept.
    again = detente.load(peaceful.to_toml(), name="changed.toml")
    assert again.analyze().to_dict()["equilibria"] == peaceful.analyze().to_dict()["equilibria"]


def test_a_ranking_replaces_statements():
    model = detente.generate(dms=2, options_per_dm=1, seed=3)
    ranked = model.with_preferences(model.decision_makers[0]["id"], ranking=["YY", ["YN", "NY"], "NN"])
    assert ranked.preferences[model.decision_makers[0]["id"]]["ranking"] == ["YY", ["YN", "NY"], "NN"]
    assert ranked.preferences[model.decision_makers[0]["id"]]["statements"] is None


def test_bad_changes_are_refused_where_they_are(nrc):
    with pytest.raises(detente.ModelError) as caught:
        nrc.with_preferences("russia", ["ru_ceasefire", "no_such_option"])
    assert "no_such_option" in caught.value.message
    assert caught.value.file == "the model form"
    assert str(caught.value).startswith("the model form: at /dm/1/preferences/1: unknown option")
    assert caught.value.line is None
    with pytest.raises(detente.RequestError, match="atlantis"):
        nrc.with_preferences("atlantis", ["ru_ceasefire"])
    with pytest.raises(TypeError):
        nrc.with_preferences("russia", ["a"], ranking=["Y"])
    with pytest.raises(TypeError):
        nrc.with_preferences("russia", "ru_ceasefire")


def test_the_status_quo_moves_and_goes(nrc):
    package = nrc.state("Proposed package")
    assert package == 320
    moved = nrc.with_status_quo(package)
    assert moved.status_quo == package
    assert moved.evolve()["start"] == package
    assert nrc.with_status_quo(None).status_quo is None
    assert nrc.status_quo == nrc.state("sq") != package
    with pytest.raises(detente.RequestError):
        nrc.with_status_quo(100_000)


def test_a_model_pickles_as_itself(nrc):
    changed = nrc.with_preferences("allies", ["ru_ceasefire & ua_ceasefire"])
    again = pickle.loads(pickle.dumps(changed))
    assert again.preferences == changed.preferences
    assert again.status_quo == changed.status_quo
    assert again.analyze().to_dict()["stability"] == changed.analyze().to_dict()["stability"]


# --- sweeps -------------------------------------------------------------------------------


def test_every_profile_agrees_with_robustness_counts(nrc):
    sweep = detente.sweep(nrc, concepts=["nash", "gmr", "seq"])
    assert sweep.method == "exact" and len(sweep["profiles"]) == NRC_PROFILES
    assert [p["profile"] for p in sweep.profiles] == list(range(NRC_PROFILES))
    assert [u["decision_maker"] for u in sweep.uncertain] == [
        "United States", "Russia", "Ukraine", "NATO allies"
    ]
    # Every consistent order once.
    assert len({tuple(p["positions"]) for p in sweep.profiles}) == NRC_PROFILES
    # The verdicts' shares for the package (75% under GMR and SEQ, none under Nash).
    assert sweep.share(nrc.state("proposed package")) == {"nash": 0.0, "gmr": 0.75, "seq": 0.75}


def test_only_the_named_dms_vary(nrc):
    sweep = detente.sweep(nrc, vary=["NATO allies", "russia"], concepts="seq")
    assert len(sweep["profiles"]) == 12
    assert [u["decision_maker"] for u in sweep.uncertain] == ["Russia", "NATO allies"]
    frame = sweep.to_pandas()
    assert list(frame.columns) == ["Russia statement 5", "NATO allies statement 2", "seq"]
    assert sorted(set(frame["Russia statement 5"])) == [4, 5, 6, 7]
    shares = sweep.shares()
    for state, row in shares.iterrows():
        assert row["seq"] == sum(state in eq for eq in frame["seq"]) / 12


def test_a_sample_is_its_seed(nrc):
    a = detente.sweep(nrc, 50, seed=9, concepts=["gmr"])
    assert a == detente.sweep(nrc, 50, seed=9, concepts=["gmr"])
    assert a.method == "sampled" and len(a["profiles"]) == 50
    assert a != detente.sweep(nrc, 50, seed=10, concepts=["gmr"])


def test_listed_profiles_are_the_changed_models(nrc):
    change = {"russia": ["ru_ceasefire"]}
    sweep = detente.sweep(nrc, [{}, change], concepts=["nash", "seq"])
    assert sweep.method == "listed" and sweep.uncertain == []
    first, second = sweep.profiles
    assert first["equilibria"] == nrc.analyze(["nash", "seq"]).equilibria
    assert second["equilibria"] == nrc.with_preferences("russia", ["ru_ceasefire"]).analyze(["nash", "seq"]).equilibria


def test_bad_sweeps_are_refused(nrc):
    with pytest.raises(detente.RequestError, match="profile 2: at /dm/1/preferences/0: unknown option `nope`"):
        detente.sweep(nrc, [{}, {"russia": ["nope"]}])
    with pytest.raises(detente.RequestError, match="no decision maker called `atlantis`"):
        detente.sweep(nrc, vary=["atlantis"])
    with pytest.raises(detente.LimitError, match="1000000"):
        detente.sweep(nrc, 2_000_000)
    with pytest.raises(detente.RequestError, match="concept"):
        detente.sweep(nrc, concepts=["nope"])
    with pytest.raises(ValueError):
        detente.sweep(nrc, "some")
    with pytest.raises(detente.RequestError, match="at least one profile"):
        detente.sweep(nrc, 0)
    with pytest.raises(detente.RequestError, match="leave out the decision makers to vary"):
        detente.sweep(nrc, [{}], vary=["russia"])
    with pytest.raises(detente.RequestError, match="seed"):
        detente.sweep(nrc, 5, seed=-1)
    with pytest.raises(TypeError, match="not float"):
        detente.sweep(nrc, 1.5)
    with pytest.raises(TypeError, match="Model.state"):
        detente.sweep(nrc, [{}]).share("proposed package")


# --- on a cluster -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    from dask import distributed  # installed by scripts/test: a missing Dask fails, not skips

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


def test_a_cluster_sweep_is_the_in_process_sweep(nrc, client):
    assert len(client.scheduler_info()["workers"]) == 2
    for chunks in (None, 5):
        assert detente.sweep(nrc, client=client, chunks=chunks) == detente.sweep(nrc)
    sampled = detente.sweep(nrc, 300, seed=4, concepts=["gmr", "seq"], client=client, chunks=7)
    assert sampled == detente.sweep(nrc, 300, seed=4, concepts=["gmr", "seq"])
    listed = [{}, {"russia": ["ru_ceasefire"]}, {"allies": {"statements": ["ru_ceasefire"]}}]
    on_cluster = detente.sweep(nrc, listed, client=client, chunks=2)
    assert on_cluster == detente.sweep(nrc, listed)
    assert [p["profile"] for p in on_cluster.profiles] == [0, 1, 2]


def test_a_cluster_sweep_reports_errors_as_at_home(nrc, client):
    with pytest.raises(detente.RequestError, match="profile 2: at /dm/1/preferences/0") as caught:
        detente.sweep(nrc, [{}, {"russia": ["nope"]}], client=client, chunks=2)
    assert "known options" in caught.value.help


def test_errors_pickle_as_themselves(nrc):
    with pytest.raises(detente.ModelError) as caught:
        nrc.with_preferences("russia", ["nope"])
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is detente.ModelError
    assert (again.message, again.help, again.file) == (
        caught.value.message, caught.value.help, caught.value.file
    )


# --- properties on random models ----------------------------------------------------------


CONCEPTS = ["nash", "gmr", "seq"]


@st.composite
def uncertain_models(draw):
    """A generated model whose first DM's statement ``element`` (0-based) may take any
    place from ``lo`` to ``hi`` (0-based, inclusive), and the statements as written."""
    shape = dict(
        dms=draw(st.integers(1, 3)),
        options_per_dm=draw(st.integers(1, 2)),
        statements=draw(st.integers(2, 5)),
        seed=draw(st.integers(0, 2**32)),
    )
    try:
        model = detente.generate(**shape)
    except detente.ModelError:
        assume(False)
    dm = model.decision_makers[0]["id"]
    statements = model.preferences[dm]["statements"]
    n = len(statements)
    element = draw(st.integers(0, n - 1))
    lo = draw(st.integers(0, element))
    hi = draw(st.integers(element, n - 1))
    assume(lo < hi)
    marked = [
        {"statement": s, "priority": [lo + 1, hi + 1]} if k == element else s
        for k, s in enumerate(statements)
    ]
    return model, dm, statements, element, lo, hi, marked


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uncertain_models())
def test_each_profile_is_the_model_with_its_element_moved(case):
    model, dm, statements, element, lo, hi, marked = case
    uncertain = model.with_preferences(dm, marked)
    sweep = detente.sweep(uncertain, concepts=CONCEPTS)
    assert len(sweep["profiles"]) == hi - lo + 1
    assert sweep.uncertain[0]["positions"] == [lo + 1, hi + 1]
    for row in sweep.profiles:
        (place,) = row["positions"]
        # By definition (MODEL_FORMAT.md): the element takes that place, the others in its
        # range shift to make room and keep their order.
        order = list(statements)
        moved = order.pop(element)
        order.insert(place - 1, moved)
        expected = model.with_preferences(dm, order).analyze(CONCEPTS).equilibria
        assert row["equilibria"] == expected


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uncertain_models(), st.integers(1, 12), st.integers(0, 2**64 - 1))
def test_a_sample_draws_from_the_profiles(case, count, seed):
    model, dm, statements, element, lo, hi, marked = case
    uncertain = model.with_preferences(dm, marked)
    every = {tuple(r["positions"]): r["equilibria"] for r in detente.sweep(uncertain, concepts=CONCEPTS).profiles}
    sample = detente.sweep(uncertain, count, seed=seed, concepts=CONCEPTS)
    assert sample.method == "sampled" and len(sample["profiles"]) == count
    for row in sample.profiles:
        assert row["equilibria"] == every[tuple(row["positions"])]
