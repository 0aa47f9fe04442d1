"""A device study on a SLURM cluster: dask-jobqueue starts the dask workers as batch jobs.

Every point of the study is one dask task; each batch job holds one single-threaded worker, so
numba and FFT code inside a point does not oversubscribe a node. Run this on the login node::

    pip install -e '.[cluster]'
    python examples/study_on_slurm.py examples/study_chain_alpha.toml --jobs 9 --out alpha

``--dry-run`` prints the batch script each job would run and stops; it works without SLURM, so
check it there before you submit. The study is resumable: after a lost allocation, rerun the
same command and only the missing points run.

Adapt ``queue``, ``account``, ``memory`` and ``walltime`` to your site; a PBS machine takes
``dask_jobqueue.PBSCluster`` with the same arguments.
"""

from __future__ import annotations

import argparse

from multiscale.study import load_study, run_study
from multiscale.tasks import WORKER_ENVIRONMENT


def slurm_cluster(*, queue: str | None, account: str | None, memory: str, walltime: str):
    """One single-threaded dask worker per SLURM job, with the suite's worker environment."""
    from dask_jobqueue import SLURMCluster

    return SLURMCluster(
        cores=1, processes=1, memory=memory, walltime=walltime, queue=queue, account=account,
        job_script_prologue=[f"export {key}={value}"
                             for key, value in WORKER_ENVIRONMENT.items()],
        scheduler_options={"dashboard_address": None},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", help="a study config, e.g. examples/study_chain_alpha.toml")
    parser.add_argument("--jobs", type=int, default=9, help="SLURM jobs (workers) to start")
    parser.add_argument("--out", default="study", help="output folder (study.nc, figures)")
    parser.add_argument("--queue", default=None, help="SLURM partition")
    parser.add_argument("--account", default=None, help="SLURM account")
    parser.add_argument("--memory", default="4GB", help="memory per job")
    parser.add_argument("--walltime", default="02:00:00", help="wall time per job")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the batch script of one job and stop")
    args = parser.parse_args(argv)

    study = load_study(args.config)  # a bad config fails here, before any job is queued
    with slurm_cluster(queue=args.queue, account=args.account, memory=args.memory,
                       walltime=args.walltime) as cluster:
        if args.dry_run:
            print(cluster.job_script())
            return
        cluster.scale(jobs=args.jobs)
        result = run_study(study, out=args.out, scheduler=cluster.scheduler_address)
    print(f"{args.out}/study.nc: computed={result.computed} reused={result.reused} "
          f"failed={len(result.failed)} wall_s={result.wall_s:.0f}")


if __name__ == "__main__":
    main()
