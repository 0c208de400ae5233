"""Tests of the analyses beyond `analyze`: coalitions, foresight, robustness, inverse and
the verdicts. Each answer is compared with the command line's: its committed insta snapshot
where there is one (crates/detente-cli/tests/snapshots/), otherwise the binary's own
`--format json` (see cli.py)."""

import csv
import io
import json
import re

import pytest

import cli
import detente

SNAPSHOTS = cli.REPO / "crates" / "detente-cli" / "tests" / "snapshots"


def snapshot_body(name: str) -> str:
    """The body of one of the CLI's insta snapshots (after its `---` header)."""
    text = (SNAPSHOTS / name).read_text(encoding="utf-8")
    return text.split("---\n", 2)[2]


def uncertain_model() -> str:
    """The model of the CLI's robustness snapshots, read from the CLI's test source so
    that the snapshots and this test cannot drift apart."""
    source = (cli.REPO / "crates" / "detente-cli" / "tests" / "cli.rs").read_text(encoding="utf-8")
    found = re.search(r'const UNCERTAIN_MODEL: &str = r#"(.*?)"#;', source, re.DOTALL)
    assert found, "UNCERTAIN_MODEL not found in crates/detente-cli/tests/cli.rs"
    return found.group(1)


@pytest.fixture(scope="module")
def nrc():
    return detente.example("nrc")


@pytest.fixture
def uncertain_file(tmp_path):
    path = tmp_path / "uncertain.toml"
    path.write_text(uncertain_model(), encoding="utf-8")
    return path


# --- robustness ------------------------------------------------------------------------


def test_robustness_equals_the_cli_snapshots(uncertain_file):
    model = detente.load(uncertain_file)
    answer = model.robustness(["nash", "seq"])
    assert isinstance(answer, detente.Robustness)
    assert answer.to_dict() == json.loads(snapshot_body("cli__robustness_json.snap"))
    assert answer["method"] == "exact" and answer["profiles"] == 6
    gmr = model.robustness("gmr")
    assert gmr.to_csv() == snapshot_body("cli__robustness_csv.snap")


def test_robustness_as_a_data_frame(uncertain_file):
    pytest.importorskip("pandas")
    model = detente.load(uncertain_file)
    answer = model.robustness(["nash", "gmr"])
    frame = answer.to_pandas()
    assert frame.index.name == "state"
    assert list(frame.index) == list(range(1, model.state_count + 1))
    assert list(frame.columns) == [
        "yn",
        "names",
        "nash_profiles",
        "nash_share",
        "nash_as_written",
        "gmr_profiles",
        "gmr_share",
        "gmr_as_written",
    ]
    assert list(frame["yn"]) == model.states
    assert frame.loc[3, "names"] == "Deal without sanctions" and frame.loc[1, "names"] == ""
    # Every listed state of the JSON has the same counts, shares and verdicts as its row.
    for state in answer["states"]:
        row = frame.loc[state["state"]]
        for concept, share in state["equilibrium"].items():
            assert row[f"{concept}_profiles"] == share["count"]
            assert row[f"{concept}_share"] == share["share"]
            assert bool(row[f"{concept}_as_written"]) == share["as_written"]
    assert frame["gmr_share"].dtype == float and frame["gmr_as_written"].dtype == bool
    analysis = model.analyze(["nash", "gmr"])
    for concept in ("nash", "gmr"):
        written = list(frame.index[frame[f"{concept}_as_written"]])
        assert written == analysis.equilibria[concept]
        listed = {s["state"] for s in answer["states"] if s["equilibrium"][concept]["count"]}
        assert set(frame.index[frame[f"{concept}_profiles"] > 0]) == listed


def test_robustness_samples_reproducibly_and_checks_its_bounds(uncertain_file):
    model = detente.load(uncertain_file)
    sampled = model.robustness("nash", exact_limit=5, samples=300, seed=9)
    assert sampled["method"] == "sampled" and sampled["seed"] == 9
    assert sampled["analysed"] == 300
    assert model.robustness("nash", exact_limit=5, samples=300, seed=9) == sampled
    assert detente.DEFAULT_EXACT_LIMIT == 4096 and detente.DEFAULT_SAMPLES == 1000
    with pytest.raises(detente.LimitError, match="1000000"):
        model.robustness(samples=2_000_000, exact_limit=0)
    with pytest.raises(detente.RequestError, match="no solution concept called `nope`"):
        model.robustness("nope")


def test_robustness_of_the_nrc_model_equals_the_cli(nrc):
    answer = nrc.robustness(["nash", "seq"], exact_limit=0, samples=20, seed=3)
    expected = cli.run_json(
        "robustness", "-e", "nrc", "-c", "nash,seq", "--exact-limit", "0", "--samples", "20",
        "--seed", "3",
    )
    assert answer.to_dict() == expected


# --- coalitions ------------------------------------------------------------------------


def test_coalitions_equal_the_cli():
    prisoners = detente.example("prisoners")
    answer = prisoners.coalitions("nash")
    assert answer == cli.run_json("coalitions", "-e", "prisoners", "--concept", "nash")
    assert answer["schema"] == "detente.coalitions/2"
    # As the CLI's snapshot says: no coalitional Nash equilibrium; under GMR, state 4.
    assert answer["coalition_equilibria"] == []
    assert prisoners.coalitions("gmr")["coalition_equilibria"] == [4]
    nrc = detente.example("nrc")
    named = nrc.coalitions(coalitions=[["us", "russia"]])
    assert named == cli.run_json("coalitions", "--coalition", "us,russia")
    assert named["coalitions"] == [["United States", "Russia"]]


def test_coalitions_refuse_what_they_cannot_do():
    prisoners = detente.example("prisoners")
    with pytest.raises(detente.LimitError, match="SIM has no") as sim:
        prisoners.coalitions("sim")
    assert "nash, gmr, smr and seq" in sim.value.help
    with pytest.raises(detente.RequestError, match="no solution concept called `nope`"):
        prisoners.coalitions("nope")
    with pytest.raises(detente.RequestError, match="atlantis"):
        detente.example("nrc").coalitions(coalitions=[["us", "atlantis"]])
    with pytest.raises(detente.RequestError, match="coalitions must be"):
        prisoners.coalitions(coalitions="some")


# --- foresight -------------------------------------------------------------------------


def test_foresight_equals_the_cli(nrc):
    answer = nrc.foresight(4, states=["sq", "Proposed package"])
    assert isinstance(answer, detente.Foresight)
    assert answer["schema"] == detente.FORESIGHT_SCHEMA and answer["horizon"] == 4
    expected = cli.run_json("foresight", "-H", "4", "--state", "sq", "--state", "Proposed package")
    assert answer.to_dict() == expected
    hopeful = detente.example("chicken").foresight(3, "hopeful")
    assert hopeful.to_dict() == cli.run_json(
        "foresight", "-e", "chicken", "-H", "3", "--outlook", "hopeful"
    )


def test_foresight_table_is_the_cli_csv():
    pd = pytest.importorskip("pandas")
    answer = detente.example("prisoners").foresight(2)
    assert answer.to_csv() == snapshot_body("foresight__foresight_prisoners_csv.snap")
    frame = answer.to_pandas()
    expected = pd.DataFrame(
        {
            "yn": ["NN", "YN", "NY", "YY"],
            "p1_cooperate": [False, True, False, True],
            "p2_cooperate": [False, False, True, True],
            "l2_p1": [True, False, True, True],
            "nm_p1": ["stable", "unstable", "stable", "stable"],
            "l2_p2": [True, True, False, True],
            "nm_p2": ["stable", "stable", "unstable", "stable"],
            "l2_equilibrium": [True, False, False, True],
            "nm_equilibrium": [True, False, False, True],
        },
        index=pd.Index([1, 2, 3, 4], name="state"),
    )
    pd.testing.assert_frame_equal(frame, expected)
    assert list(frame.index[frame["l2_equilibrium"]]) == answer["limited_move"]["equilibria"]


def test_foresight_refuses_bad_requests(nrc):
    with pytest.raises(detente.RequestError, match="a horizon of 0 is out of range"):
        nrc.foresight(0)
    with pytest.raises(detente.RequestError, match="outlook must be") as gloomy:
        nrc.foresight(2, "gloomy")
    assert gloomy.value.message.startswith("outlook must be") and gloomy.value.file is None
    with pytest.raises(detente.RequestError, match="no state 99999"):
        nrc.foresight(2, states=99999)


# --- inverse ---------------------------------------------------------------------------


def test_inverse_equals_the_cli(nrc):
    answer = nrc.inverse("Proposed package", vary=["russia", "allies"], concepts=["nash", "smr"],
                         count=True)
    expected = cli.run_json(
        "inverse", "Proposed package", "--concept", "nash,smr", "--vary", "russia,allies",
        "--count",
    )
    assert answer == expected
    assert answer["schema"] == "detente.inverse/1"
    assert answer["varied"] == ["Russia", "NATO allies"]
    assert [c["concept"] for c in answer["concepts"]] == ["nash", "smr"]
    prisoners = detente.example("prisoners")
    sampled = prisoners.inverse("YY", count=True, sample=3, seed=7)
    assert sampled == cli.run_json(
        "inverse", "-e", "prisoners", "YY", "--count", "--sample", "3", "--seed", "7"
    )


def test_inverse_refuses_bad_requests(nrc):
    with pytest.raises(detente.RequestError, match="inverse analysis does not cover SIM"):
        nrc.inverse("sq", concepts="sim")
    with pytest.raises(detente.RequestError, match="no decision maker called `atlantis`"):
        nrc.inverse("sq", vary="atlantis")
    with pytest.raises(detente.RequestError, match="vary names no decision maker") as empty:
        nrc.inverse("sq", vary=[])
    assert "None" in empty.value.help
    # Over the engine's limit, and over what the request can carry: the same refusal.
    for n in (101, 70000):
        with pytest.raises(detente.RequestError, match=f"cannot draw {n} samples") as many:
            nrc.inverse("sq", sample=n)
        assert (many.value.message, many.value.help) == (
            f"cannot draw {n} samples",
            "draw 1 to 100 rankings",
        )
    with pytest.raises(detente.RequestError, match="no state called"):
        nrc.inverse("Atlantis accord")


# --- verdicts --------------------------------------------------------------------------


def test_verdicts_on_the_status_quo_and_named_states(nrc):
    answer = nrc.verdicts()
    assert answer["schema"] == "detente.verdicts/1"
    analysis = nrc.analyze()
    subjects = answer["verdicts"]
    assert [v["subject"] for v in subjects][:2] == ["status quo", "Proposed package"]
    assert subjects[0]["state"] == nrc.status_quo
    for verdict in subjects:
        # Holds and fails split the concepts analysed, as the analysis's equilibria say.
        assert sorted(verdict["holds"] + verdict["fails"]) == sorted(analysis.concepts)
        for concept in analysis.concepts:
            stable = verdict["state"] in analysis.equilibria[concept]
            assert (concept in verdict["holds"]) == stable
        assert verdict["text"] and all(isinstance(line, str) for line in verdict["text"])
    nash = nrc.verdicts("nash")
    assert all(v["holds"] + v["fails"] == ["nash"] for v in nash["verdicts"])
    with pytest.raises(detente.RequestError, match="no solution concept chosen"):
        nrc.verdicts([])
    with pytest.raises(detente.RequestError, match="no solution concept called `nope`"):
        nrc.verdicts("nope")
