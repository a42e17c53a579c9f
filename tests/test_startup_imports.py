"""What every transkit command pays before it touches an article: the modules ``transkit.cli`` loads.

Modules only some commands or rare paths need are imported where they are used (see the comments
there); these tests keep them out of the start-up, in a fresh interpreter. No timings.
"""

from __future__ import annotations

import subprocess
import sys

from transkit import cli, drift, status
from transkit.catalog import sync
from transkit.catalog.model import Catalog, Entry

# Imported on first use: the status, build and publish stages (sync does without them), the
# prefill's threads, polib (the careful reader only), html (the drift report only), traceback
# (a worker's error only), drift (a merge with old entries). multiprocessing: not used at all
# (transkit.parallel forks its own workers).
LAZY = (
    "transkit.drift",
    "diff_match_patch",
    "transkit.status",
    "transkit.build",
    "transkit.publish",
    "transkit.prefill",
    "multiprocessing",
    "concurrent.futures",
    "polib",
    "html",
    "traceback",
    "csv",
)


def test_cli_start_up_leaves_lazy_modules_unloaded() -> None:
    code = (
        "import gc, sys, transkit.cli\n"
        f"print([name for name in {LAZY!r} if name in sys.modules])\n"
        "print(gc.isenabled())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "True"]


def test_sort_keys_are_the_status_ones() -> None:
    """cli spells out status.SORT_KEYS (importing status at start-up costs ~5 ms)."""
    assert cli.SORT_KEYS == status.SORT_KEYS


def test_carry_over_hook_is_drifts() -> None:
    """sync.drift_carry_over answers a first catalog without importing drift, as drift would."""
    template = Catalog(entries=(Entry("A new sentence.", references=("a.html:2",)),))
    first = Catalog()
    assert sync.drift_carry_over(template, first) == drift.carry_over(template, first) == {}
    old = Catalog(entries=(Entry("A new  sentence.", "Yeni bir cümle.", references=("a.html:2",)),))
    proposals = sync.drift_carry_over(template, old)
    assert proposals == drift.carry_over(template, old) and proposals  # (the real hook: it proposes)
