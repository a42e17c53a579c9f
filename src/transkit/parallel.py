"""Per-article work in a pool of processes, results in article order.

Articles are independent, so sync, build and status hand them to ``jobs``
worker processes (default: one per core) in chunks, and put the results back
together in article order: output and exit codes are the same as with one
process, only sooner. Small jobs stay in this process (starting workers
costs more than it saves). Each worker handles one chunk at a time and keeps
nothing between chunks, so memory does not grow with the number of articles.

Workers are forked (nothing to import again, the project config is already
parsed; where there is no fork, everything runs in one process); they die
with the process that started them, even when it is killed with SIGKILL, and
ignore Ctrl-C, which the main process handles.
"""

from __future__ import annotations

import collections
import gc
import itertools
import os
import pickle
import select
import signal
import struct
import sys
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from .errors import TranskitError

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

    Chunks and results must be picklable (``function`` need not be: workers
    are forked with it). With ``jobs`` 1, few items, or no ``os.fork``,
    everything runs here, in the same chunks. ``items`` may be lazy (articles
    found out of date one by one): past the first few dozen, the workers start
    on the first chunks while the rest are still being found. With workers,
    ``while_waiting()`` is called whenever the next result is not ready yet:
    work this process can do meanwhile. An exception ``function`` raised in a
    worker is raised here, in its chunk's turn, with the worker's traceback.
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
    if workers < 2 or not hasattr(os, "fork"):
        for piece in pieces:
            yield function(piece)
        return
    pool = _Pool(function, workers)
    try:
        yield from pool.results(iter(pieces), while_waiting)
    finally:
        pool.close()


class WorkerDied(TranskitError):
    """A worker process ended while it had work (killed, or out of memory): one line for the user, as
    for any error of theirs to fix, not a traceback."""


QUEUED_PER_WORKER = 2  # chunks sent ahead to each worker: it starts the next as soon as it sends a result
_LENGTH = struct.Struct("<Q")  # each message: its length, then a pickle


class _Worker:
    """The main process's side of one worker: its pipes, and the chunks sent to it, in order."""

    def __init__(self, pid: int, tasks: int, replies: int) -> None:
        self.pid, self.tasks, self.replies = pid, tasks, replies
        self.queued: collections.deque[int] = collections.deque()  # chunk numbers, oldest first
        self.unsent = bytearray()  # what the pipe would not take yet
        self.received = bytearray()  # the start of a reply


class _Pool:
    """``jobs`` forked workers, each fed chunks through a pipe of its own and replying through another.

    Forked rather than a multiprocessing pool: nothing to import (~11 ms) or
    pickle but chunks and results, and a worker has its next chunk queued
    when it sends a result, instead of waiting for a feeder thread. One
    thread, no locks: this process writes chunks and reads replies as the
    pipes allow (neither side can block the other on a full pipe).
    """

    def __init__(self, function: Callable[[list[Item]], Result], jobs: int) -> None:
        self.workers: list[_Worker] = []
        parent = os.getpid()
        try:
            for _ in range(jobs):
                tasks_read, tasks_write = os.pipe()
                replies_read, replies_write = os.pipe()
                pid = os.fork()
                if pid == 0:  # (never returns)
                    os.close(tasks_write)
                    os.close(replies_read)
                    _serve(function, tasks_read, replies_write, parent, self.workers)
                os.close(tasks_read)
                os.close(replies_write)
                os.set_blocking(tasks_write, False)
                self.workers.append(_Worker(pid, tasks_write, replies_read))
        except BaseException:
            self.close()
            raise

    def results(self, pieces: Iterator[list[Item]], while_waiting: Callable[[], None] | None) -> Iterator[Result]:
        """The result of each piece, in order; a worker's exception in its chunk's turn."""
        replies: dict[int, tuple[bool, object]] = {}  # (at most QUEUED_PER_WORKER a worker: memory stays flat)
        sent = wanted = 0
        pieces_left = True
        while True:
            for worker in self.workers:  # keep every worker's queue full
                while pieces_left and len(worker.queued) < QUEUED_PER_WORKER:
                    piece = next(pieces, None)
                    if piece is None:
                        pieces_left = False
                        break
                    self._send(worker, sent, piece)
                    sent += 1
            if wanted in replies:
                ok, value = replies.pop(wanted)
                wanted += 1
                if not ok:
                    raise restore_traceback(value)  # type: ignore[arg-type]
                yield value  # type: ignore[misc]
                del value
                continue
            if wanted == sent:
                return
            if while_waiting is not None:
                while_waiting()
            self._wait(replies)

    def _send(self, worker: _Worker, number: int, piece: list[Item]) -> None:
        data = pickle.dumps(piece, pickle.HIGHEST_PROTOCOL)
        worker.unsent += _LENGTH.pack(len(data)) + data
        worker.queued.append(number)
        self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        try:
            written = os.write(worker.tasks, worker.unsent)
        except BlockingIOError:
            return
        except BrokenPipeError:
            raise self._died(worker) from None
        del worker.unsent[:written]

    def _wait(self, replies: dict[int, tuple[bool, object]]) -> None:
        """Block until some pipe is ready; file what has come in, send what the pipes take."""
        busy = [worker for worker in self.workers if worker.queued]
        poll = select.poll()  # (not select.select: it refuses descriptors past 1,023)
        for worker in busy:
            poll.register(worker.replies, select.POLLIN)
            if worker.unsent:
                poll.register(worker.tasks, select.POLLOUT)
        ready = {descriptor for descriptor, _ in poll.poll()}
        for worker in busy:
            if worker.tasks in ready:
                self._flush(worker)
            if worker.replies in ready:
                data = os.read(worker.replies, 1 << 16)
                if not data:
                    raise self._died(worker)
                worker.received += data
                while len(worker.received) >= _LENGTH.size:
                    (size,) = _LENGTH.unpack_from(worker.received)
                    if len(worker.received) < _LENGTH.size + size:
                        break
                    message = bytes(worker.received[_LENGTH.size : _LENGTH.size + size])
                    del worker.received[: _LENGTH.size + size]
                    replies[worker.queued.popleft()] = pickle.loads(message)

    def _died(self, worker: _Worker) -> WorkerDied:
        _, status = os.waitpid(worker.pid, 0)
        self.workers.remove(worker)
        os.close(worker.tasks)
        os.close(worker.replies)
        code = os.waitstatus_to_exitcode(status)
        how = f"signal {-code}" if code < 0 else f"status {code}"
        return WorkerDied(f"a worker process ended unexpectedly ({how}); run again, or with fewer --jobs")

    def close(self) -> None:
        """Let the workers go and wait for them: each finishes the chunk it is on, then sees no more come."""
        for worker in self.workers:
            os.close(worker.tasks)  # (its end of file: the worker exits)
            os.close(worker.replies)  # (a reply nobody will read: the worker exits)
        for worker in self.workers:
            os.waitpid(worker.pid, 0)
        self.workers = []


def _serve(
    function: Callable[[list[Item]], Result], tasks: int, replies: int, parent: int, others: list[_Worker]
) -> None:
    """A worker's life: each chunk that comes through ``tasks``, its result back through ``replies``.

    Leaves with ``os._exit``: nothing of the main process's (its atexit
    handlers, buffered output) runs twice.
    """
    code = 1
    try:
        for other in others:  # another worker's pipe ends, inherited: without them it sees its end of file
            os.close(other.tasks)
            os.close(other.replies)
        _worker_started(parent)
        with open(tasks, "rb") as incoming, open(replies, "wb") as outgoing:
            while True:
                head = incoming.read(_LENGTH.size)
                if len(head) < _LENGTH.size:  # no more work
                    code = 0
                    break
                piece = pickle.loads(incoming.read(_LENGTH.unpack(head)[0]))
                try:
                    reply: tuple[bool, object] = (True, function(piece))
                except BaseException as exc:  # (raised in the main process, in this chunk's turn)
                    reply = (False, keep_traceback(exc))
                del piece
                try:
                    data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # a result or exception that cannot cross
                    data = pickle.dumps((False, keep_traceback(exc)), pickle.HIGHEST_PROTOCOL)
                del reply
                outgoing.write(_LENGTH.pack(len(data)))
                outgoing.write(data)
                outgoing.flush()
    except BrokenPipeError:  # the main process stopped listening (it failed, or was interrupted)
        code = 0
    finally:
        os._exit(code)


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
