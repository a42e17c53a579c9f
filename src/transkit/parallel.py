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

import collections
import gc
import itertools
import os
import signal
import sys
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

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


def chunks(items: Sequence[Item], jobs: int) -> list[list[Item]]:
    """Consecutive slices of ``items``: a few per worker, at most MAX_CHUNK long (see _stream_chunks)."""
    jobs = max(jobs, 1)
    size = max(1, min(MAX_CHUNK, -(-len(items) // (jobs * TASKS_PER_WORKER))))
    return list(_stream_chunks(iter(items), jobs, size))


def _stream_chunks(items: Iterator[Item], jobs: int, size: int) -> Iterator[list[Item]]:
    """Chunks of ``size`` items, each yielded as soon as it is known not to be in the tail.

    The tail, the last ``jobs`` chunks' worth of items, goes in quarter-size chunks,
    so that the workers finish together (none idle while another does a whole last chunk).
    """
    held: list[Item] = []
    for item in items:
        held.append(item)
        if len(held) == (jobs + 1) * size:  # the first ``size`` held cannot be in the tail
            yield held[:size]
            del held[:size]
    tail_start = max(0, len(held) - jobs * size)
    for start in range(0, tail_start, size):
        yield held[start : min(start + size, tail_start)]
    tail_size = max(1, size // 4)
    for start in range(tail_start, len(held), tail_size):
        yield held[start : start + tail_size]


def map_chunks(
    function: Callable[[list[Item]], Result],
    items: Iterable[Item],
    jobs: int | None = None,
    while_waiting: Callable[[], None] | None = None,
) -> Iterator[Result]:
    """``function(chunk)`` for consecutive chunks of ``items``, yielded in order.

    ``function`` must be picklable (a module-level function or a
    functools.partial of one) and so must its chunks and results. With
    ``jobs`` 1, or few items, everything runs here, in the same chunks.
    ``items`` may be lazy (articles found out of date one by one): past the
    first few dozen, the workers start on the first chunks while the rest
    are still being found. With workers, ``while_waiting()`` is called whenever
    the next result is not ready yet: work this process can do meanwhile.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    stream = iter(items)
    enough = 2 * jobs * MAX_CHUNK  # a full chunk and a tail's worth of small ones for every worker
    known = list(itertools.islice(stream, enough))
    pieces: Iterable[list[Item]]
    if len(known) < enough:  # all of them: chunks sized to their number
        pieces = chunks(known, jobs)
        workers = min(jobs, len(pieces)) if len(known) >= MIN_PARALLEL_ITEMS else 1
    else:  # the rest as they come, in chunks of MAX_CHUNK (the tail split small, see _stream_chunks)
        pieces, workers = _stream_chunks(itertools.chain(known, stream), jobs, MAX_CHUNK), jobs
    if workers < 2:
        for piece in pieces:
            yield function(piece)
        return
    # Imported here (~11 ms): commands that stay in this process, such as a sync with nothing to do, skip them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_worker_started, initargs=(os.getpid(),)
    ) as pool:
        try:
            futures = collections.deque(pool.submit(function, piece) for piece in pieces)
            while futures:
                future = futures.popleft()  # (a result is dropped once yielded: memory stays flat)
                if while_waiting is not None and not future.done():
                    while_waiting()
                yield future.result()
                del future
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


# Collect young objects after this many allocations instead of 700: articles make many
# short-lived containers, nearly all freed by reference counting, so the collector mostly
# scans for nothing (a few % of a sync). Cyclic garbage waits a little longer; memory stays flat.
WORKER_GC_THRESHOLD = 20_000


def _worker_started(parent: int) -> None:
    """In each worker: die with the parent, leave Ctrl-C to it, collect garbage less often."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # what the parent had at the fork lives as long as the worker: never scan it (nor copy its pages)
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
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
        import traceback  # (an error path: not imported at every start)

        exc.__dict__["_transkit_traceback"] = "".join(traceback.format_exception(exc))
    return exc


def restore_traceback(exc: BaseException) -> BaseException:
    """In the main process: show the worker's traceback as the cause of ``exc``."""
    text = exc.__dict__.pop("_transkit_traceback", None)
    if text is not None and exc.__traceback__ is None:
        exc.__cause__ = RemoteTraceback(f'\n"""\n{text}"""')
    return exc
