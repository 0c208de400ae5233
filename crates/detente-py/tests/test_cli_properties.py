"""Property tests (hypothesis): on random generated models, each Python answer equals what
the command-line binary writes for the same model file (`detente <command> FILE --format
json`, and `--format csv` for the tables). The binary is found as cli.py says; without it
these tests fail."""

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli
import detente
from test_properties import generated, shapes

CLI_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

concept_lists = st.lists(
    st.sampled_from(["nash", "gmr", "smr", "seq", "sim", "seqsim"]), min_size=1, max_size=3
)
coalition_concepts = st.sampled_from(["nash", "gmr", "smr", "seq"])


def with_uncertainty(toml: str, statements: int) -> str:
    """A generated model's TOML with its first DM's first preference statement made
    uncertain: it may rank anywhere among the first `statements` positions."""
    return re.sub(
        r'preferences = \[\n  "([^"]*)",',
        lambda m: f'preferences = [\n  {{ statement = "{m.group(1)}", priority = [1, {statements}] }},',
        toml,
        count=1,
    )


class ModelFile:
    """A model written to a temporary file and read back from it, so that Python and the
    command line read the same file."""

    def __init__(self, text: str) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.path = Path(self._dir.name) / "model.toml"
        self.path.write_text(text, encoding="utf-8")
        self.model = detente.load(self.path)

    def __enter__(self) -> "ModelFile":
        return self

    def __exit__(self, *exc) -> None:
        self._dir.cleanup()


@CLI_SETTINGS
@given(shapes)
def test_analyze_equals_the_cli(shape):
    with ModelFile(generated(shape).to_toml()) as f:
        assert f.model.analyze().to_dict() == cli.run_json("analyze", str(f.path))


@CLI_SETTINGS
@given(shapes, coalition_concepts, st.booleans())
def test_coalitions_equal_the_cli(shape, concept, every):
    with ModelFile(generated(shape).to_toml()) as f:
        answer = f.model.coalitions(concept, "all" if every else None)
        args = ["coalitions", str(f.path), "--concept", concept] + (["--all"] if every else [])
        assert answer == cli.run_json(*args)


@CLI_SETTINGS
@given(shapes, concept_lists, st.integers(0, 8), st.integers(1, 50), st.integers(0, 99))
def test_robustness_equals_the_cli(shape, concepts, exact_limit, samples, seed):
    text = generated(shape).to_toml()
    uncertain = shape["preferences"] == "prioritization" and shape["statements"] > 1
    if uncertain:
        text = with_uncertainty(text, shape["statements"])
    with ModelFile(text) as f:
        answer = f.model.robustness(concepts, exact_limit=exact_limit, samples=samples, seed=seed)
        assert len(answer["uncertain"]) == int(uncertain)
        args = [
            "robustness", str(f.path), "--concepts", ",".join(concepts),
            "--exact-limit", str(exact_limit), "--samples", str(samples), "--seed", str(seed),
        ]
        assert answer.to_dict() == cli.run_json(*args)
        assert answer.to_csv() == cli.run(*args, "--format", "csv")


@CLI_SETTINGS
@given(shapes, st.integers(1, 4), st.sampled_from(["cautious", "hopeful"]), st.integers(1))
def test_foresight_equals_the_cli(shape, horizon, outlook, state):
    with ModelFile(generated(shape).to_toml()) as f:
        state = (state - 1) % f.model.state_count + 1
        answer = f.model.foresight(horizon, outlook, states=state)
        args = [
            "foresight", str(f.path), "-H", str(horizon), "--outlook", outlook,
            "--state", str(state),
        ]
        assert answer.to_dict() == cli.run_json(*args)
        assert answer.to_csv() == cli.run(*args, "--format", "csv")


# Inverse conditions grow fast with the states: models of up to 16 states.
small_shapes = shapes.filter(lambda shape: shape["dms"] * shape["options_per_dm"] <= 4)


@CLI_SETTINGS
@given(small_shapes, st.lists(coalition_concepts, min_size=1, max_size=2), st.integers(1),
       st.booleans())
def test_inverse_equals_the_cli(shape, concepts, state, vary_first):
    with ModelFile(generated(shape).to_toml()) as f:
        state = (state - 1) % f.model.state_count + 1
        vary = [f.model.decision_makers[0]["id"]] if vary_first else None
        args = ["inverse", str(f.path), str(state), "--concept", ",".join(concepts)]
        args += ["--vary", vary[0]] if vary else []
        try:
            answer = f.model.inverse(state, vary, concepts)
        except detente.DetenteError as error:
            # Refused alike: the CLI exits with 2 and the same message.
            done = cli.run_status(*args, "--format", "json")
            assert done.returncode == 2 and error.message in done.stderr, (error, done.stderr)
        else:
            assert answer == cli.run_json(*args)


@CLI_SETTINGS
@given(shapes, concept_lists, st.one_of(st.none(), st.integers(1, 20)), st.integers(0, 99))
def test_sweep_equals_the_cli(shape, concepts, sample, seed):
    text = generated(shape).to_toml()
    if shape["preferences"] == "prioritization" and shape["statements"] > 1:
        text = with_uncertainty(text, shape["statements"])
    with ModelFile(text) as f:
        args = ["sweep", str(f.path), "-c", ",".join(concepts)]
        if sample is None:
            answer = detente.sweep(f.model, concepts=concepts)
        else:
            answer = detente.sweep(f.model, sample, seed=seed, concepts=concepts)
            args += ["--sample", str(sample), "--seed", str(seed)]
        assert answer.to_dict() == cli.run_json(*args)
