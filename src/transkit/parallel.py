"""Per-article work in a pool of processes, results in article order.

Articles are independent, so sync, build and status hand them to ``jobs``
worker processes (default: one per core) in chunks, and put the results back
together in article order: output and exit codes are the same as with one
process, only sooner. Small jobs stay in this process (starting workers
costs more than it saves). Each worker handles one chunk at a time and keeps
nothing between chunks, so memory does not grow with the number of articles.

Workers are forked (on Linux: nothing to import again, the project config is
already parsed); they die with the process that started them, even when it
is killed with SIGKILL, and ignore Ctrl-C, which the main process handles.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Fewer items than this are not worth a pool (a worker costs ~10-20 ms to start).
MIN_PARALLEL_ITEMS = 16
MAX_CHUNK = 16  # items per task: small enough to balance the load and bound memory
TASKS_PER_WORKER = 8


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def chunks(items: Sequence[Item], jobs: int) -> list[Sequence[Item]]:
    """Consecutive slices of ``items``: a few per worker, at most MAX_CHUNK long."""
    if not items:
        return []
    size = max(1, min(MAX_CHUNK, -(-len(items) // (max(jobs, 1) * TASKS_PER_WORKER))))
    return [items[start : start + size] for start in range(0, len(items), size)]


def map_chunks(
    function: Callable[[Sequence[Item]], Result], items: Sequence[Item], jobs: int | None = None
) -> Iterator[Result]:
    """``function(chunk)`` for consecutive chunks of ``items``, yielded in order.

    ``function`` must be picklable (a module-level function or a
    functools.partial of one) and so must its chunks and results. With
    ``jobs`` 1, or few items, everything runs here, in the same chunks.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    pieces = chunks(items, jobs)
    if jobs == 1 or len(items) < MIN_PARALLEL_ITEMS or len(pieces) < 2:
        for piece in pieces:
            yield function(piece)
        return
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(pieces)), mp_context=context, initializer=_worker_started, initargs=(os.getpid(),)
    ) as pool:
        try:
            yield from pool.map(function, pieces)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _worker_started(parent: int) -> None:
    """In each worker: die with the parent, leave Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class RemoteTraceback(Exception):
    """A worker's traceback, as text (tracebacks do not cross process boundaries)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def keep_traceback(exc: BaseException) -> BaseException:
    """Record ``exc``'s traceback as text in it, so that it survives pickling (see :func:`restore_traceback`)."""
    if exc.__traceback__ is not None:
        exc.__dict__["_transkit_traceback"] = "".join(traceback.format_exception(exc))
    return exc


def restore_traceback(exc: BaseException) -> BaseException:
    """In the main process: show the worker's traceback as the cause of ``exc``."""
    text = exc.__dict__.pop("_transkit_traceback", None)
    if text is not None and exc.__traceback__ is None:
        exc.__cause__ = RemoteTraceback(f'\n"""\n{text}"""')
    return exc
