"""The engine runs with the GIL released: while an analysis of about a second runs in
the main thread, a pure-Python thread keeps counting. Were the GIL held, the counter would
stand still for the whole call (the counting thread could not run a single bytecode)."""

import threading
import time

import pytest

import detente

def count_while(call):
    """Runs `call()` in this thread while another thread counts; returns how far the counter
    got during the call, how far it gets in as long with nothing else to do, and the call's
    duration in seconds."""
    count = 0
    stop = threading.Event()

    def counting():
        nonlocal count
        while not stop.is_set():
            count += 1

    counter = threading.Thread(target=counting, daemon=True)
    counter.start()
    try:
        time.sleep(0.05)  # let it get going
        # Its pace alone: the main thread sleeps, which releases the GIL.
        start, began = count, time.perf_counter()
        time.sleep(0.25)
        pace = (count - start) / (time.perf_counter() - began)
        before, began = count, time.perf_counter()
        call()
        elapsed = time.perf_counter() - began
        during = count - before
    finally:
        stop.set()
        counter.join()
    return during, pace * elapsed, elapsed


@pytest.mark.parametrize(
    ("dms", "options_per_dm", "call"),
    [
        # 2^16 states, every concept: about 0.6 s in a dev build.
        pytest.param(4, 4, lambda model: model.analyze(), id="analyze"),
        # 2^15 states: about 1.5 s.
        pytest.param(5, 3, lambda model: model.robustness(["nash", "gmr", "seq"]), id="robustness"),
    ],
)
def test_other_threads_run_during_an_engine_call(dms, options_per_dm, call):
    model = detente.generate(dms=dms, options_per_dm=options_per_dm, seed=11)
    during, alone, elapsed = count_while(lambda: call(model))
    assert elapsed > 0.2, f"the call took {elapsed:.3f} s: too short to tell"
    # The engine's threads share the CPU with the counter, and a loaded machine gives it
    # less again; a held GIL would give it nothing at all.
    assert during > 0.05 * alone, (
        f"the counter advanced {during} in {elapsed:.2f} s, where alone it would advance "
        f"{alone:.0f}: the GIL was held"
    )


def test_the_counter_stands_still_while_the_gil_is_held():
    # The measure can fail: a call that holds the GIL (a builtin summing in C, which
    # never lets the interpreter switch threads) leaves the counter almost where it was.
    during, alone, elapsed = count_while(lambda: sum(range(5 * 10**7)))
    assert elapsed > 0.3, f"the call took {elapsed:.3f} s: too short to tell"
    assert during < 0.05 * alone, (during, alone)
