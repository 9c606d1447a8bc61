"""A learner notebook in a real Jupyter server, driven through its REST API.

The learner's steps: `tito notebook --module 04_losses`, start Jupyter, open
modules/04_losses/04_losses.ipynb, run the cells in order. Here a real
JupyterLab server listens on 127.0.0.1; the notebook is read through the
contents API, a kernel is started through the sessions API (as JupyterLab
does) and each code cell is executed over the kernel's websocket. The first
cell that fails must be the test of the first stub, failing with the stub's
NotImplementedError; every cell before it must succeed.
"""

from __future__ import annotations

import datetime
import json
import time
import uuid

import pytest

from bookkit import copy_repo, jupyter_lab, run_tito

pytestmark = pytest.mark.slow

SLUG = "04_losses"
PATH = f"modules/{SLUG}/{SLUG}.ipynb"


def _message(session: str, code: str) -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request",
                   "username": "learner", "session": session,
                   "date": datetime.datetime.now(datetime.timezone.utc)
                   .isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False,
                    "stop_on_error": True},
        "buffers": [],
    }


def _execute(ws, session: str, code: str, timeout: float = 300) -> dict:
    """Run `code` in the kernel; the reply status and any error."""
    request = _message(session, code)
    ws.send(json.dumps(request))
    msg_id = request["header"]["msg_id"]
    result = {"status": None, "error": None, "idle": False}
    deadline = time.monotonic() + timeout
    while result["status"] is None or not result["idle"]:
        if time.monotonic() > deadline:
            raise AssertionError(f"no reply in {timeout} s for:\n{code[:300]}")
        ws.settimeout(max(0.1, deadline - time.monotonic()))
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "execute_reply":
            result["status"] = msg["content"]["status"]
        elif kind == "error":
            result["error"] = (msg["content"]["ename"],
                               msg["content"]["evalue"])
        elif kind == "status" and \
                msg["content"]["execution_state"] == "idle":
            result["idle"] = True
    return result


def test_learner_notebook_runs_to_its_first_stub_in_jupyter(tmp_path):
    import websocket

    repo = copy_repo(tmp_path / "repo")
    made = run_tito(repo, "notebook", "--module", SLUG)
    assert made.returncode == 0, made.stderr

    with jupyter_lab(repo, repo, tmp_path / "jupyter") as server:
        status, model = server.request("GET", f"/api/contents/{PATH}")
        assert status == 200 and model["type"] == "notebook"
        cells = model["content"]["cells"]
        code_cells = [(i, c) for i, c in enumerate(cells)
                      if c["cell_type"] == "code"]
        first_stub = next(
            i for i, c in code_cells
            if c["metadata"].get("nbgrader", {}).get("solution"))
        stub_id = cells[first_stub]["metadata"]["nbgrader"]["grade_id"]

        status, session = server.request("POST", "/api/sessions", {
            "path": PATH, "name": f"{SLUG}.ipynb", "type": "notebook",
            "kernel": {"name": "python3"}})
        assert status == 201, session
        kernel = session["kernel"]["id"]
        ws = websocket.create_connection(
            f"{server.url.replace('http', 'ws', 1)}/api/kernels/{kernel}/"
            f"channels?session_id={uuid.uuid4().hex}",
            header=[f"Authorization: token {server.token}"], timeout=60,
            suppress_origin=True)
        ran, failed = [], None
        try:
            for index, cell in code_cells:
                result = _execute(ws, session["id"], cell["source"])
                if result["status"] != "ok":
                    failed = (index, result["error"])
                    break
                ran.append(index)
        finally:
            ws.close()
            server.request("DELETE", f"/api/sessions/{session['id']}")

    assert failed is not None, "the learner notebook ran without a failure"
    index, (ename, evalue) = failed
    assert ename == "NotImplementedError", (
        f"cell {index + 1} failed with {ename}: {evalue[:300]} before the "
        f"first stub ({stub_id}, cell {first_stub + 1})")
    assert evalue.startswith(f"{stub_id}: "), evalue
    assert index > first_stub, (index, first_stub)
    assert first_stub in ran
    assert len(ran) >= 3, f"only {len(ran)} cells ran before the failure"
    # the failing cell is the first graded test cell after the stub
    graded = next(i for i, c in code_cells if i > first_stub and
                  c["metadata"].get("nbgrader", {}).get("grade"))
    assert index == graded, (index, graded)
