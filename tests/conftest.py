"Shared pytest fixtures: paths, the example data, headless Chromium."
import os, shutil, socket, subprocess, sys, time
from pathlib import Path
import pytest

os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT/'examples'/'seeds'
FIXTURES = Path(__file__).resolve().parent/'fixtures'
SCREENSHOTS = ROOT/'output'/'screenshots'   # git-ignored; a person can look at what the browser saw
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--no-first-run', '--disable-sync', '--disable-quic']

@pytest.fixture(scope='session')
def root(): return ROOT

@pytest.fixture(scope='session')
def examples(): return EXAMPLES

@pytest.fixture(scope='session')
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

@pytest.fixture(scope='session')
def browser():
    "A headless Debian Chromium driven by Playwright; fails in CI when Chromium is missing, skips elsewhere"
    if not CHROMIUM:
        msg = "Debian's chromium is not installed (make setup installs it when run as root)"
        if os.environ.get('CI'): pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture
def serve():
    "Serve a folder over http on localhost; yields a function folder -> base URL"
    procs = []
    def _serve(folder):
        port = free_port()
        p = subprocess.Popen([sys.executable, '-m', 'http.server', str(port), '--bind', '127.0.0.1', '-d', str(folder)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(p)
        for _ in range(100):
            try:
                with socket.create_connection(('127.0.0.1', port), timeout=0.2): break
            except OSError: time.sleep(0.1)
        return f'http://127.0.0.1:{port}'
    yield _serve
    for p in procs: p.terminate(); p.wait(5)
