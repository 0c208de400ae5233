#!/usr/bin/env python3
"""Profiles per second of `detente.sweep` on the NRC model: in-process (all cores) and on
a Dask LocalCluster of two worker processes. Run with the Python that has detente, pandas
and dask[distributed] installed (scripts/test builds one in <target>/python-venv):

    <target>/python-venv/bin/python scripts/bench-sweep.py [--profiles N] [--rounds R]

Prints one line per setting (best of R rounds, the cluster already started and warm) and
the machine's load, for docs/PERFORMANCE.md.
"""

import argparse
import os
import subprocess
import time

import detente


def best(rounds: int, run) -> float:
    """The shortest of ``rounds`` timings of ``run()``, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=2000, help="profiles drawn per sweep")
    parser.add_argument("--rounds", type=int, default=3, help="timings per setting (best kept)")
    parser.add_argument("--concepts", default="nash,gmr,smr,seq,sim,seqsim")
    args = parser.parse_args()
    concepts = args.concepts.split(",")
    model = detente.example("nrc")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"commit {commit}, {os.cpu_count()} cores, load {os.getloadavg()}")
    print(f"NRC model, {model.state_count} states; {args.profiles} sampled profiles; "
          f"concepts {', '.join(concepts)}; best of {args.rounds}")

    def sweep(**kw):
        return detente.sweep(model, args.profiles, seed=1, concepts=concepts, **kw)

    reference = sweep()
    seconds = best(args.rounds, sweep)
    print(f"in-process (rayon, all cores):     {seconds:6.2f} s  {args.profiles / seconds:8.0f} profiles/s")

    from dask.distributed import Client, LocalCluster

    for threads in ("1", None):
        env = {"RAYON_NUM_THREADS": threads} if threads else {}
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None, env=env) as cluster, Client(cluster) as client:
            assert sweep(client=client) == reference, "the cluster's sweep differs"
            seconds = best(args.rounds, lambda: sweep(client=client))
            label = f"2 workers, {threads or 'all'} engine thread{'s' if threads != '1' else ''} each:"
            print(f"{label:35s}{seconds:6.2f} s  {args.profiles / seconds:8.0f} profiles/s")
    print(f"load at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
