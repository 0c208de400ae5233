"""Tests of the Python package `detente` (run by scripts/test after building it).

The answers are compared with the command line's own JSON: the CLI's insta snapshots of
`detente analyze --format json` (crates/detente-cli/tests/snapshots/, kept equal to the
binary's output by the CLI's tests) and the reference cases in tests/cases/.
"""

import json
import os
import warnings
from pathlib import Path

import pytest

import detente

REPO = Path(__file__).resolve().parents[3]
CASES = REPO / "tests" / "cases"
SNAPSHOTS = REPO / "crates" / "detente-cli" / "tests" / "snapshots"


def cli_json(snapshot: str) -> dict:
    """The JSON body of one of the CLI's insta snapshots (after its `---` header)."""
    text = (SNAPSHOTS / snapshot).read_text(encoding="utf-8")
    _, _, body = text.split("---\n", 2)
    return json.loads(body)


# --- loading ---------------------------------------------------------------------------


def test_example_is_the_nrc_scenario_by_default():
    model = detente.example()
    assert model.name.startswith("Reviving the NATO-Russia Council")
    assert model.source == "the built-in example nrc"
    assert [d["id"] for d in model.decision_makers] == ["us", "russia", "ukraine", "allies"]
    assert model.state_count == 960
    assert model.status_quo is not None
    assert len(model.states) == model.state_count
    # Option k is letter k of every Y/N string, DMs' options contiguous and in DM order.
    options = [o["id"] for o in model.options]
    assert options == [o for d in model.decision_makers for o in d["options"]]
    assert all(len(s) == len(options) for s in model.states)


def test_examples_lists_every_built_in_model_and_each_loads():
    names = [name for name, _ in detente.examples()]
    assert "nrc" in names and "cuban" in names
    for name in names:
        model = detente.example(name)
        assert model.state_count >= 1


def test_unknown_example_is_a_request_error_naming_the_models():
    with pytest.raises(detente.RequestError) as caught:
        detente.example("atlantis")
    assert "atlantis" in str(caught.value)
    assert "nrc" in caught.value.help
    assert isinstance(caught.value, ValueError)


def test_load_reads_a_path_a_path_string_and_a_text_alike():
    path = CASES / "Chicken.gmcr"
    by_path = detente.load(path)
    by_string = detente.load(str(path))
    by_text = detente.load(path.read_text(encoding="utf-8"), name="Chicken.gmcr")
    assert by_path.source == str(path)
    assert by_text.source == "Chicken.gmcr"
    for model in (by_path, by_string, by_text):
        assert model.name == "Chicken"
        assert model.analyze().to_dict() == by_path.analyze().to_dict()


def test_load_reads_one_line_text_by_its_rule(tmp_path, monkeypatch):
    chicken = CASES / "Chicken.gmcr"
    one_line = json.dumps(json.loads(chicken.read_text(encoding="utf-8")))
    assert "\n" not in one_line
    # A .gmcr file's JSON on one line is text (it starts with `{`).
    model = detente.load(one_line, name="Chicken.gmcr")
    assert model.source == "Chicken.gmcr"
    assert model.analyze().to_dict() == detente.load(chicken).analyze().to_dict()
    assert detente.load("  " + one_line).states == model.states
    # A line of TOML (it holds `=`) is text too: a model's, so refused as one, located.
    with pytest.raises(detente.ModelError) as caught:
        detente.load('format = "detente/1"', name="one-line.toml")
    assert caught.value.file == "one-line.toml"
    # An existing file is a path, even when its name looks like text.
    monkeypatch.chdir(tmp_path)
    odd = tmp_path / "a=b.gmcr"
    odd.write_text(chicken.read_text(encoding="utf-8"), encoding="utf-8")
    assert detente.load("a=b.gmcr").source == "a=b.gmcr"
    # Anything else is a path, and a missing one cannot be read.
    with pytest.raises(detente.RequestError, match="cannot read") as missing:
        detente.load("no-such-model.toml")
    assert "no-such-model.toml" in str(missing.value)
    with pytest.raises(TypeError, match="name is only for a model given as text"):
        detente.load("no-such-model.toml", name="x.toml")


def test_a_missing_file_is_a_request_error():
    with pytest.raises(detente.RequestError, match="cannot read"):
        detente.load(REPO / "no-such-model.toml")


def test_preferences_are_plain_data_as_the_file_writes_them():
    model = detente.example("prisoners")
    prefs = model.preferences
    assert set(prefs) == {d["id"] for d in model.decision_makers}
    for written in prefs.values():
        assert (written["statements"] is None) != (written["ranking"] is None)
    json.dumps(prefs)  # plain Python data all the way down
    nrc = detente.example("nrc").preferences
    assert nrc["us"]["statements"][0]["statement"] == "ru_ceasefire & ua_ceasefire"


# --- the analysis equals the CLI's JSON ------------------------------------------------


@pytest.mark.parametrize(
    ("snapshot", "example"),
    [
        ("cli__json_output_of_the_nrc_scenario.snap", "nrc"),
        ("cli__json_output_of_syria_iraq.snap", "syria-iraq"),
    ],
)
def test_analyze_equals_the_cli_json(snapshot, example):
    expected = cli_json(snapshot)
    analysis = detente.example(example).analyze()
    assert analysis.to_dict() == expected
    assert json.loads(analysis.to_json()) == expected
    assert dict(analysis) == expected


@pytest.mark.parametrize("case", ["Chicken", "Cuban", "Prisoners", "SyriaIraq"])
def test_reference_cases_give_their_expected_results(case):
    expected = json.loads((CASES / f"{case}.expected.json").read_text(encoding="utf-8"))
    analysis = detente.load(CASES / f"{case}.gmcr").analyze()
    assert analysis["schema"] == detente.ANALYSIS_SCHEMA
    assert analysis["states"] == expected["states"]
    assert [
        {"name": o["name"], "decision_maker": o["decision_maker"]} for o in analysis["options"]
    ] == expected["options"]
    for concept, by_dm in expected["stability"].items():
        assert analysis.stability[concept] == by_dm, concept
    for concept, states in expected["equilibria"].items():
        assert analysis.equilibria[concept] == states, concept


def test_concepts_are_chosen_and_ordered_by_the_app_layer():
    model = detente.example("chicken")
    assert model.analyze("seq").concepts == ["seq"]
    assert model.analyze(["seq", "nash", "nash"]).concepts == ["nash", "seq"]
    assert model.analyze().concepts == ["nash", "gmr", "smr", "seq", "sim", "seqsim"]
    with pytest.raises(detente.RequestError, match="no solution concept called `nope`"):
        model.analyze(["nash", "nope"])
    with pytest.raises(detente.RequestError, match="no solution concept chosen"):
        model.analyze([])


# --- the tableau as a data frame -------------------------------------------------------


def test_to_pandas_is_the_tableau():
    pd = pytest.importorskip("pandas")
    model = detente.example("nrc")
    analysis = model.analyze(["nash", "seq"])
    frame = analysis.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.name == "state"
    assert list(frame.index) == list(range(1, model.state_count + 1))
    options = [o["id"] for o in model.options]
    dms = [d["name"] for d in model.decision_makers]
    assert list(frame.columns) == (
        ["yn"]
        + options
        + ["status_quo"]
        + [f"nash/{d}" for d in dms]
        + ["nash/equilibrium"]
        + [f"seq/{d}" for d in dms]
        + ["seq/equilibrium"]
    )
    assert list(frame["yn"]) == model.states
    for k, option in enumerate(options):
        assert list(frame[option]) == [s[k] == "Y" for s in model.states]
    assert list(frame.index[frame["status_quo"]]) == [model.status_quo]
    for concept in ("nash", "seq"):
        assert list(frame.index[frame[f"{concept}/equilibrium"]]) == analysis.equilibria[concept]
        for dm in dms:
            assert list(frame.index[frame[f"{concept}/{dm}"]]) == analysis.stability[concept][dm]
        everyone = frame[[f"{concept}/{d}" for d in dms]].all(axis=1)
        assert (everyone == frame[f"{concept}/equilibrium"]).all()
    assert model.tableau(["nash", "seq"]).equals(frame)


# --- writing the model back ------------------------------------------------------------


def test_to_toml_reads_back_to_the_same_analysis():
    model = detente.example("nrc")
    again = detente.load(model.to_toml(), name="nrc-again.toml")
    expected = model.analyze().to_dict()
    assert again.analyze().to_dict() == expected


def test_to_gmcr_keeps_the_state_numbers_and_warns_of_what_it_drops():
    cuban = detente.example("cuban")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to drop: no warning
        text = cuban.to_gmcr()
    again = detente.load(text, name="cuban.gmcr")
    assert again.states == cuban.states
    assert again.analyze().to_dict()["stability"] == cuban.analyze().to_dict()["stability"]

    with pytest.warns(UserWarning) as warned:
        detente.example("nrc").to_gmcr()
    messages = sorted(str(w.message) for w in warned)
    assert len(messages) == 2
    assert "status quo" in messages[0] and "uncertain preferences" in messages[1]


# --- errors ----------------------------------------------------------------------------

BAD_MODEL = """format = "detente/1"

[model]
name = "Broken"

[[dm]]
id = "a"
name = "A"
preferences = ["x & nosuchoption"]

  [[dm.option]]
  id = "x"
  label = "X"
"""


def test_a_bad_model_raises_model_error_located_in_its_text():
    with pytest.raises(detente.ModelError) as caught:
        detente.load(BAD_MODEL, name="broken.toml")
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, detente.DetenteError)
    assert error.file == "broken.toml"
    assert error.line == 9
    assert error.column is not None and error.column > 1
    assert str(error).startswith(f"broken.toml:9:{error.column}: ")
    assert "nosuchoption" in error.message


def test_a_bad_file_is_located_in_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(BAD_MODEL, encoding="utf-8")
    with pytest.raises(detente.ModelError) as caught:
        detente.load(path)
    assert caught.value.file == str(path)
    assert caught.value.line == 9
    assert str(caught.value).startswith(f"{path}:9:")


def test_a_syntax_error_is_located():
    with pytest.raises(detente.ModelError) as caught:
        detente.load('format = "detente/1"\n[model\nname = "x"\n', name="syntax.toml")
    assert (caught.value.file, caught.value.line) == ("syntax.toml", 2)


def test_a_model_over_the_state_limit_is_a_limit_error():
    with pytest.raises(detente.LimitError, match="states") as caught:
        detente.example("nrc", max_states=100)
    assert "max_states" in caught.value.help


def test_load_refuses_what_is_neither_path_nor_text():
    with pytest.raises(TypeError):
        detente.load(42)


# --- generated models ------------------------------------------------------------------


def test_generate_is_deterministic_and_validated():
    a = detente.generate(dms=3, options_per_dm=2, seed=9)
    b = detente.generate(dms=3, options_per_dm=2, seed=9)
    assert a.to_toml() == b.to_toml()
    assert len(a.decision_makers) == 3 and len(a.options) == 6
    assert a.analyze().to_dict() == b.analyze().to_dict()
    with pytest.raises(detente.RequestError):
        detente.generate(dms=0)
    with pytest.raises(detente.RequestError):
        detente.generate(preferences="vibes")
    with pytest.raises(detente.RequestError, match="at most"):
        detente.generate(dms=9, options_per_dm=8)


def test_analyze_runs_in_threads():
    from concurrent.futures import ThreadPoolExecutor

    model = detente.example("nrc")
    expected = model.analyze(["nash", "gmr"]).to_dict()
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: model.analyze(["nash", "gmr"]).to_dict(), range(4)))
    assert all(a == expected for a in answers)


# --- explain and evolve ----------------------------------------------------------------


def test_explain_agrees_with_the_analysis_for_every_state():
    model = detente.example("cuban")
    analysis = model.analyze()
    for state in range(1, model.state_count + 1):
        explained = model.explain(state)
        assert explained["schema"] == "detente.explanation/1"
        assert explained["state"] == state
        assert explained["yn"] == model.states[state - 1]
        for dm in explained["decision_makers"]:
            for verdict in dm["verdicts"]:
                stable = state in analysis.stability[verdict["concept"]][dm["decision_maker"]]
                assert verdict["stable"] == stable, (state, dm["decision_maker"], verdict)
                if verdict["concept"] == "nash":
                    assert verdict["stable"] == (verdict["improvements"] == [])


def test_explain_names_states_dms_and_concepts_as_the_cli_does():
    model = detente.example("cuban")
    by_number = model.explain(3, dms="USSR", concepts=["gmr"])
    assert model.explain("NYNN", dms=["USSR"], concepts="gmr") == by_number
    assert [d["decision_maker"] for d in by_number["decision_makers"]] == ["USSR"]
    assert [v["concept"] for v in by_number["decision_makers"][0]["verdicts"]] == ["gmr"]
    with pytest.raises(detente.RequestError, match="no state 99"):
        model.explain(99)
    with pytest.raises(detente.RequestError):
        model.explain(3, dms="Atlantis")


def test_evolve_follows_improvements_to_equilibria():
    model = detente.example("cuban")
    analysis = model.analyze()
    evolution = model.evolve(1)
    assert evolution["schema"] == "detente.evolution/1"
    assert evolution["start"] == 1
    assert evolution["reachable_equilibria"]
    for reached in evolution["reachable_equilibria"]:
        for concept in reached["concepts"]:
            assert reached["state"] in analysis.equilibria[concept]
        at = 1
        for move in reached["path"]:
            assert move["from"] == at
            at = move["to"]
        assert at == reached["state"]
    with pytest.raises(detente.RequestError, match="no status quo"):
        model.evolve()


def test_evolve_from_the_status_quo_with_coalitions():
    model = detente.example("nrc")
    alone = model.evolve(concepts=["nash"])
    assert alone["start"] == model.status_quo
    listed = model.evolve(concepts=["nash"], coalitions="listed")
    pair = model.evolve(concepts=["nash"], coalitions=[["us", "allies"]])
    # Joint moves only add ways to move: nothing reachable alone is lost.
    assert listed["reachable_count"] >= alone["reachable_count"]
    assert pair["reachable_count"] >= alone["reachable_count"]
    with pytest.raises(detente.RequestError, match="coalitions must be"):
        model.evolve(coalitions="some")
