#!/usr/bin/env python3
"""Executes the worked notebooks in docs/notebooks/ and keeps their answers honest.

    python scripts/notebooks.py --check    # execute each; fail if a printed answer differs
    python scripts/notebooks.py --update   # execute each and save it with its outputs

Run it with the Python that has detente installed, with pandas, matplotlib,
dask[distributed], nbclient and ipykernel (scripts/test builds one and runs --check).
What is compared is every answer a reader sees as text: printed lines and the plain-text
form of each result (tables, figures' descriptions); error output and images are not.
"""

import argparse
import sys
from pathlib import Path

import nbclient
import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "docs" / "notebooks"
#: Most seconds any one cell may take (a sweep on a loaded CI machine included).
CELL_TIMEOUT = 600


def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` run from top to bottom in a fresh kernel, without the
    error output (logs) that would differ from run to run."""
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]
    return notebook


def answers(notebook: nbformat.NotebookNode) -> "list[list[str]]":
    """Per code cell, the text a reader sees: printed lines and results' plain text."""
    seen = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stdout":
                texts.append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                texts.append(output.get("data", {}).get("text/plain", ""))
            elif output.output_type == "error":
                texts.append(f"{output.ename}: {output.evalue}")
        seen.append(texts)
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if an answer differs")
    mode.add_argument("--update", action="store_true", help="save the notebooks executed")
    args = parser.parse_args()
    failed = False
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print(f"no notebooks in {NOTEBOOKS}", file=sys.stderr)
        return 1
    for path in paths:
        fresh = executed(path)
        name = path.relative_to(NOTEBOOKS.parents[1])
        if args.update:
            nbformat.write(fresh, path)
            print(f"{name}: executed and saved")
            continue
        committed = answers(nbformat.read(path, as_version=4))
        for number, (was, now) in enumerate(zip(committed, answers(fresh)), start=1):
            if was != now:
                failed = True
                print(f"{name}: code cell {number} now answers\n{''.join(now)}\n"
                      f"where the notebook shows\n{''.join(was)}", file=sys.stderr)
        if len(committed) != len(answers(fresh)):
            failed = True
            print(f"{name}: the number of code cells changed", file=sys.stderr)
        print(f"{name}: {'differs' if failed else 'every answer as shown'}")
    if failed:
        print("If the new answers are right, run: python scripts/notebooks.py --update",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
