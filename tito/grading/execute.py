"""nbgrader's preprocessors, made to survive what submissions do.

`resilient_execute_class`: a kernel that dies or hangs costs the cell that
was running, not the submission; output beyond a budget is dropped (never
what a grade depends on); kernels start in the sandbox
(tito.grading.sandbox). `overwrite_cells_class`: a deleted graded cell is
put back where nbgrader 0.9.6 would fail.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tito.grading.notebooks import nbgrader_meta

# Errors nbgrader records in a cell that a kernel could not finish.
TIMEOUT_ERRORS = ("CellTimeoutError",)
DEAD_KERNEL_ERROR = "DeadKernelError"


def _grade_id_positions(nb) -> dict[str, int]:
    """grade_id -> index of its first cell in `nb`."""
    present: dict[str, int] = {}
    for position, cell in enumerate(nb.cells):
        gid = nbgrader_meta(cell).get("grade_id")
        if gid and gid not in present:
            present[gid] = position
    return present


@functools.cache
def overwrite_cells_class():
    """nbgrader's OverwriteCells, putting deleted graded cells back safely.

    nbgrader 0.9.6 (with add_missing_cells) inserts a deleted graded cell
    after the source cell just before it, and raises KeyError when that
    cell is missing too or is a read-only cell; the submission is then not
    graded at all. Here it goes after the nearest earlier source cell that
    the submission still has (or first), and is graded like any other.
    """
    from nbgrader.preprocessors import OverwriteCells

    class SafeOverwriteCells(OverwriteCells):
        def add_missing_grade_cells(self, nb, resources):
            source_nb = self.gradebook.find_notebook(self.notebook_id,
                                                     self.assignment_id)
            source_cells = list(source_nb.source_cells)
            order = [cell.name for cell in source_cells]
            grade_cells = {c.name: c for c in source_nb.grade_cells}
            solutions = {c.name for c in source_nb.solution_cells}
            present = _grade_id_positions(nb)
            for index, name in enumerate(order):
                if name not in grade_cells or name in present:
                    continue
                self.log.warning("Missing grade cell %s: putting it back",
                                 name)
                at = next((present[prev] + 1
                           for prev in reversed(order[:index])
                           if prev in present), 0)
                cell = self.missing_cell_transform(
                    source_cells[index], grade_cells[name].max_score,
                    is_solution=name in solutions)
                cell["id"] = f"restored-{name}"[:64]
                nb.cells.insert(at, cell)
                present = _grade_id_positions(nb)
            return nb, resources

    SafeOverwriteCells.__module__ = __name__
    return SafeOverwriteCells


# Messages that add output to a cell (status, execute_input and
# clear_output only change state).
OUTPUT_MESSAGES = {"stream", "display_data", "execute_result", "error",
                   "update_display_data", "comm_open", "comm_msg",
                   "comm_close"}
# Kept whatever the budget: nbgrader scores a graded cell zero when its
# output holds an error or any stderr, and reads partial credit from an
# execute_result; dropping one of these could change a grade.
GRADE_BEARING = 8  # how many of them a cell keeps beyond its budget
GRADE_BEARING_TEXT = 2048  # characters kept of each of them


@dataclass
class OutputBudget:
    """How much output one cell has sent back so far."""

    limit: int
    used: int = 0
    over: bool = False
    kept_beyond: int = 0


def _text_size(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(k)) + _text_size(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_text_size(v) for v in value)
    return 8


def _cut(value, size: int):
    """Strings in `value` cut to `size` characters each."""
    if isinstance(value, str):
        return value if len(value) <= size else \
            value[:size] + " [... cut by tito]"
    if isinstance(value, dict):
        return {k: _cut(v, size) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut(v, size) for v in value[:64]]
    return value


def _within_output_limit(msg, budget: OutputBudget) -> list:
    """The messages to record for `msg`: it, shortened, a note, or none.

    Up to the budget every message is kept whole. Beyond it, plain output
    is dropped (after one note saying so, on stdout so it never costs
    points); errors, stderr and execute_results are still kept, cut short,
    so the cell scores exactly what it would have scored.
    """
    content = msg.get("content") or {}
    size = _text_size(content)
    if not budget.over and budget.used + size <= budget.limit:
        budget.used += size
        return [msg]
    out = []
    kind = msg.get("msg_type")
    room = budget.limit - budget.used
    crossing = not budget.over and kind == "stream" and room > 0
    if crossing:  # the stream that crosses the limit: keep what fits
        budget.used = budget.limit
        out.append({**msg, "content": {
            **content, "text": str(content.get("text", ""))[:room]}})
    if not budget.over:
        budget.over = True
        note = (f"[tito: this cell's output passed the limit of "
                f"{budget.limit // 1024} KB; the rest of it was dropped]\n")
        out.append({**msg, "msg_type": "stream",
                    "header": {**msg.get("header", {}),
                               "msg_type": "stream"},
                    "content": {"name": "stdout", "text": note}})
    bearing = kind in ("error", "execute_result") or (
        kind == "stream" and content.get("name") == "stderr")
    if bearing and not crossing and budget.kept_beyond < GRADE_BEARING:
        budget.kept_beyond += 1
        cut = _cut(content, GRADE_BEARING_TEXT)
        if kind == "error":
            cut["traceback"] = list(cut.get("traceback") or [])[-20:]
        out.append({**msg, "content": cut})
    return out


@functools.cache
def resilient_execute_class():
    """nbgrader's Execute preprocessor, but a kernel crash costs one cell.

    Plain nbgrader fails the whole submission when the kernel dies, and
    also when it stays stuck after a timeout (a loop that swallows
    KeyboardInterrupt). Here the cell that was running gets an error
    output, so it scores zero; a fresh kernel re-runs the cells above it
    (quietly; their outputs are kept) and grading goes on with the next
    cell. Timeouts themselves are nbgrader's: interrupt, record a
    CellTimeoutError, go on.
    """
    from queue import Empty
    from time import monotonic

    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbclient.util import ensure_async, run_sync
    from nbformat import NotebookNode
    from nbgrader.preprocessors import Execute

    class ResilientExecute(Execute):
        max_restarts = 5
        stuck_grace = 10.0  # seconds a kernel may take to answer again
        kernel_stream = None  # where kernel stdout/stderr go (a log)
        sandbox = None  # tito.grading.sandbox.Sandbox: kernels run in it
        output_limit = None  # bytes of output a cell may send back

        def preprocess(self, nb, resources=None, retry=None):
            self._tito_replay = []
            self._tito_restarts = 0
            self._tito_output = {}
            return super().preprocess(nb, resources, retry)

        def create_kernel_manager(self):
            if self.sandbox is None:
                return super().create_kernel_manager()
            from tito.grading.sandbox import sandbox_kernel_manager_class

            self.kernel_manager_class = sandbox_kernel_manager_class()
            km = super().create_kernel_manager()
            km.sandbox = self.sandbox
            return km

        def process_message(self, msg, cell, cell_index):
            if self.output_limit is None or \
                    msg.get("msg_type") not in OUTPUT_MESSAGES:
                return super().process_message(msg, cell, cell_index)
            budget = self._tito_output.setdefault(
                cell_index, OutputBudget(self.output_limit))
            out = None
            for kept in _within_output_limit(msg, budget):
                out = super().process_message(kept, cell, cell_index)
            return out

        async def async_start_new_kernel(self, **kwargs):
            if self.kernel_stream is not None:
                kwargs.setdefault("stdout", self.kernel_stream)
                kwargs.setdefault("stderr", self.kernel_stream)
            return await super().async_start_new_kernel(**kwargs)

        start_new_kernel = run_sync(async_start_new_kernel)

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type != "code":
                return super().preprocess_cell(cell, resources, index)
            try:
                cell, resources = super().preprocess_cell(cell, resources,
                                                          index)
            except DeadKernelError:
                self._tito_fail(cell, DEAD_KERNEL_ERROR, self._tito_death())
                self._tito_recover(index)
                return cell, self.resources
            except CellTimeoutError:
                self._tito_fail(cell, "CellTimeoutError",
                                "the kernel did not answer after a timeout")
                self._tito_recover(index)
                return cell, self.resources
            names = {out.get("ename") for out in cell.get("outputs", [])
                     if out.get("output_type") == "error"}
            if names & set(TIMEOUT_ERRORS):
                if not self._tito_responsive():
                    self._tito_recover(index)
            else:
                self._tito_replay.append(index)
            return cell, resources

        def _tito_death(self):
            why = "the kernel died while this cell ran"
            stopped = getattr(self.km, "stopped_for_memory", None)
            if stopped is not None and stopped():
                why = ("the sandbox was stopped while this cell ran: its "
                       "processes together used more than "
                       f"{self.sandbox.limits.memory} MB of memory")
            return why

        def _tito_fail(self, cell, ename, why):
            message = (f"{why}; it counts as failed (a graded cell "
                       "scores zero). A fresh kernel re-ran the cells "
                       "above it and grading went on.")
            self.log.warning("cell %s: %s", cell.get("id", "?"), message)
            cell.outputs = list(cell.get("outputs", [])) + [NotebookNode(
                output_type="error", ename=ename, evalue=message,
                traceback=[f"{ename}: {message}"])]

        def _tito_recover(self, index):
            self._tito_restarts += 1
            if self._tito_restarts > self.max_restarts:
                raise DeadKernelError(
                    f"the kernel died or hung {self._tito_restarts} times; "
                    "giving up on this submission")
            run_sync(self._tito_restart)()
            for j in self._tito_replay:
                if j < index:
                    run_sync(self._tito_run_quietly)(
                        self.nb.cells[j].source)

        async def _tito_restart(self):
            if self.kc is not None:
                try:
                    self.kc.stop_channels()
                except Exception:
                    pass
            await ensure_async(self.km.restart_kernel(now=True))
            self.kc = self.km.client()
            await ensure_async(self.kc.start_channels())
            await ensure_async(self.kc.wait_for_ready(
                timeout=self.startup_timeout))
            self.kc.allow_stdin = False

        async def _tito_run_quietly(self, source, wait=None):
            msg_id = await ensure_async(self.kc.execute(
                source, silent=False, store_history=False,
                allow_stdin=False, stop_on_error=False))
            wait = wait or self._get_timeout(None) or 60
            deadline = monotonic() + wait
            while True:
                remaining = deadline - monotonic()
                if remaining <= 0:
                    await ensure_async(self.km.interrupt_kernel())
                    return False
                try:
                    msg = await ensure_async(
                        self.kc.shell_channel.get_msg(timeout=remaining))
                except Empty:
                    continue
                if msg["parent_header"].get("msg_id") == msg_id:
                    return True

        def _tito_responsive(self):
            try:
                return run_sync(self._tito_run_quietly)(
                    "", wait=self.stuck_grace)
            except DeadKernelError:
                return False

    ResilientExecute.__module__ = __name__
    return ResilientExecute
