"""Helpers for tests/book: repository copies, JupyterLab, headless Chromium.

Imported as `bookkit` (tests/book/conftest.py puts this folder on sys.path).
Everything runs in throwaway copies of the repository, never in the real
tree. Tools that come from extras or apt (jupyter-book, JupyterLab,
Chromium) are required in CI (`CI` set): there a missing tool fails the test
with the command that installs it. On a course author's machine it skips,
with the same message.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from _support import ROOT

BOOK_ITEMS = ["pyproject.toml", "README.md", "src", "tito", "tinytorch",
              "book", "binder"]
IGNORE = shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints",
                                "*.pyc", "backups")
# Screenshots a person can look at after a run (gitignored build area).
SCREENSHOTS = ROOT / "book" / "_build" / "screenshots"


def require(found: bool, what: str, install: str) -> None:
    """Fail in CI, skip elsewhere, when a tool the test needs is missing."""
    if found:
        return
    message = f"{what} is not installed; install it with: {install}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI runs these tests)", pytrace=False)
    pytest.skip(message)


def copy_repo(dest: Path) -> Path:
    """A copy of what a clean clone holds (no build products)."""
    dest.mkdir(parents=True, exist_ok=True)
    for item in BOOK_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=IGNORE)
        elif src.is_file():
            shutil.copy2(src, dest / item)
    return dest


def run_tito(repo: Path, *args: str, timeout: float = 900):
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "tito", *args], cwd=repo,
                          env=env, capture_output=True, text=True,
                          timeout=timeout)


def have_jupyter_book() -> bool:
    here = Path(sys.executable).parent / "jupyter-book"
    return here.is_file() or shutil.which("jupyter-book") is not None


def need_jupyter_book() -> None:
    require(have_jupyter_book(), "jupyter-book", 'pip install -e ".[docs]"')


def build_book(dest: Path):
    """`tito book` in a fresh copy at `dest`: (repo, html folder, result)."""
    need_jupyter_book()
    repo = copy_repo(dest)
    started = time.monotonic()
    result = run_tito(repo, "book")
    result.seconds = time.monotonic() - started
    assert result.returncode == 0, (
        f"tito book failed:\n{result.stdout[-6000:]}\n{result.stderr}")
    return repo, repo / "book" / "_build" / "html", result


# ----------------------------------------------------------------- Jupyter


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def have_jupyterlab() -> bool:
    import importlib.util

    return importlib.util.find_spec("jupyterlab") is not None


LAB_SETTINGS = {
    # No "news" or update toasts over the screenshot; no network use.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    # Render every cell, so the page can be checked as a whole.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}


class JupyterServer:
    def __init__(self, url: str, token: str, root_dir: Path):
        self.url, self.token, self.root_dir = url, token, root_dir

    def request(self, method: str, path: str, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method,
            headers={"Authorization": f"token {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)


@contextmanager
def jupyter_lab(root_dir: Path, repo: Path, state: Path):
    """A real JupyterLab server on 127.0.0.1, serving `root_dir`."""
    require(have_jupyterlab(), "JupyterLab", 'pip install -e ".[lab]"')
    port, token = free_port(), secrets.token_hex(16)
    for name, values in LAB_SETTINGS.items():
        path = state / "lab-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = dict(os.environ,
               PYTHONPATH=str(repo), PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="Agg",
               JUPYTER_CONFIG_DIR=str(state / "config"),
               JUPYTER_RUNTIME_DIR=str(state / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(state / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
               IPYTHONDIR=str(state / "ipython"))
    log = (state / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root_dir}",
         "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"],
        cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    server = JupyterServer(f"http://127.0.0.1:{port}", token, root_dir)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise AssertionError(
                    "JupyterLab exited at start:\n"
                    + (state / "server.log").read_text()[-3000:])
            try:
                status, _ = server.request("GET", "/api/status", timeout=5)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError("JupyterLab did not answer in 90 s:\n"
                                     + (state / "server.log").read_text()
                                     [-3000:])
            time.sleep(0.5)
        yield server
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


# ---------------------------------------------------------------- Chromium


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """A headless Chromium driven over the DevTools protocol (one tab)."""

    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    def call(self, method: str, timeout: float = 60, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method,
                                 "params": params}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise AssertionError(f"{method}: no answer in {timeout} s")

    def evaluate(self, expression: str, await_promise: bool = False):
        result = self.call("Runtime.evaluate", expression=expression,
                           returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise AssertionError(f"page script failed: {expression[:80]}: "
                                 f"{result['exceptionDetails']}")
        return result["result"].get("value")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def wait_for(self, expression: str, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except AssertionError:
                value = None
            if value:
                return value
            time.sleep(0.25)
        raise AssertionError(f"timed out after {timeout} s waiting for "
                             f"{what} (last value {value!r})")

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


@contextmanager
def headless_chromium(profile: Path):
    """A fresh headless Chromium (own profile) and its tab; closed after."""
    exe = chromium_path()
    require(exe is not None, "Chromium",
            "apt-get install -y chromium (Debian)")
    import websocket  # websocket-client, a dependency of jupyter_server

    proc = subprocess.Popen(
        [exe, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--hide-scrollbars",
         "--disable-dev-shm-usage", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0", "--window-size=1280,1400",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("Chromium did not start")
            time.sleep(0.2)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                    timeout=10) as response:
            targets = json.loads(response.read())
        page = next(t for t in targets if t.get("type") == "page")
        ws = websocket.create_connection(page["webSocketDebuggerUrl"],
                                         timeout=60, suppress_origin=True)
        tab = Browser(ws)
        tab.call("Page.enable")
        tab.call("Emulation.setDeviceMetricsOverride", width=1280,
                 height=1400, deviceScaleFactor=1, mobile=False)
        try:
            yield tab
        finally:
            ws.close()
    finally:
        _stop(proc)
