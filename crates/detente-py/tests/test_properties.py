"""Property tests (hypothesis) on random models from `detente.generate`: the answer is the
analysis JSON's documented shape, GMCR.md §3's inclusions hold, the data frame agrees with
the JSON, and writing a model out and reading it back changes no result."""

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import detente

shapes = st.fixed_dictionaries(
    {
        "dms": st.integers(1, 3),
        "options_per_dm": st.integers(1, 3),
        "rules": st.integers(0, 2),
        "rule_width": st.integers(1, 3),
        "irreversible": st.integers(0, 100),
        "preferences": st.sampled_from(["prioritization", "ranking"]),
        "statements": st.integers(1, 4),
        "tiers": st.integers(1, 6),
        "seed": st.integers(0, 2**32),
    }
)



def generated(shape: dict) -> detente.Model:
    """The model `shape` makes; shapes whose random rules leave no feasible state are
    skipped (that they are refused, located, is what the app layer promises)."""
    try:
        return detente.generate(**shape)
    except detente.ModelError as error:
        assert "exclude every state" in error.message, error
        assert error.file == f"generated-{shape['seed']}.toml" and error.line is not None
        assume(False)
        raise


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(shapes)
def test_inclusions_and_shape_of_the_answer(shape):
    model = generated(shape)
    analysis = model.analyze()
    assert analysis["state_count"] == model.state_count == len(analysis["states"])
    assert [s["yn"] for s in analysis["states"]] == model.states
    assert [s["id"] for s in analysis["states"]] == list(range(1, model.state_count + 1))
    names = [d["name"] for d in model.decision_makers]
    stable = analysis.stability
    for concept in analysis.concepts:
        assert list(stable[concept]) == names
        by_dm = [set(stable[concept][d]) for d in names]
        assert set(analysis.equilibria[concept]) == set.intersection(*by_dm)
    for dm in names:
        nash, gmr, smr, seq = (set(stable[c][dm]) for c in ("nash", "gmr", "smr", "seq"))
        assert nash <= smr <= gmr
        assert nash <= seq <= gmr


@SETTINGS
@given(shapes)
def test_written_models_read_back_to_the_same_answer(shape):
    model = generated(shape)
    expected = model.analyze().to_dict()
    again = detente.load(model.to_toml(), name="again.toml").analyze().to_dict()
    assert again == expected
    gmcr = detente.load(model.to_gmcr(), name="again.gmcr").analyze()
    assert gmcr["states"] == expected["states"]
    assert gmcr.stability == expected["stability"]


@settings(max_examples=15, deadline=None)
@given(shapes)
def test_the_data_frame_says_what_the_json_says(shape):
    model = generated(shape)
    analysis = model.analyze(["nash", "seq"])
    frame = analysis.to_pandas()
    for concept in analysis.concepts:
        for dm, states in analysis.stability[concept].items():
            assert list(frame.index[frame[f"{concept}/{dm}"]]) == states
        assert list(frame.index[frame[f"{concept}/equilibrium"]]) == analysis.equilibria[concept]
    json.dumps(analysis.to_dict())
