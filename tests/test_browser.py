"Browser checks in headless Chromium: the report renders with its figures; the workbook opens in JupyterLab with its output"
import json, os, secrets, subprocess, sys, time, urllib.error, urllib.request
from pathlib import Path
import pytest

from conftest import free_port   # shared fixtures: `browser` (Debian Chromium; fails in CI when missing), `screenshots`

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

def _env(tmp):
    return dict(os.environ, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TOKENIZERS_PARALLELISM='false', PYTHONHASHSEED='0',
                PAPERLENS_CACHE=str(tmp/'cache'))

def _images(page):
    return page.evaluate("Array.from(document.images).map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth}))")

def test_report_renders_with_its_figures(browser, screenshots, tmp_path):
    out = tmp_path/'bundle'
    inj = ROOT/'tests'/'fixtures'/'report'/'script_injection.bib'
    r = subprocess.run([sys.executable, '-c', 'import sys; from paperlens.cli import main; sys.exit(main())', 'review',
                        'examples/seeds', str(inj), '--out', str(out), '--quiet'], cwd=ROOT, env=_env(tmp_path),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    page = browser.new_page(viewport={'width': 1366, 'height': 768})     # a laptop screen
    dialogs, requests = [], []
    page.on('dialog', lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on('request', lambda q: requests.append(q.url))
    page.goto((out/'report.html').as_uri()); page.wait_for_load_state('load')
    imgs = _images(page)
    assert len(imgs) >= 3 and all(i['ok'] for i in imgs), imgs
    assert dialogs == [] and page.evaluate('window.__pwned') is None, 'record text ran as script'
    text = page.inner_text('body')
    assert 'Attention Is Not All You Need' in text                                   # the hostile record is there
    if 'pwned' in text: assert '<script>window.__pwned' in text                      # ... and its markup shows as text
    assert {'Methods', 'Topics', 'Review', 'References'} <= set(page.eval_on_selector_all('h2', 'hs => hs.map(h => h.innerText)'))
    assert page.evaluate('document.documentElement.scrollWidth') <= 1366, 'the report scrolls sideways on a laptop screen'
    assert [u for u in requests if not u.startswith(('file:', 'data:'))] == [], 'the report fetched something from the network'
    page.screenshot(path=str(screenshots/'report.png'))
    page.screenshot(path=str(screenshots/'report_full.png'), full_page=True)
    page.locator('#topics').scroll_into_view_if_needed(); page.evaluate("document.querySelector('#topics').scrollIntoView()")
    page.screenshot(path=str(screenshots/'report_topics.png'))
    page.close()

@pytest.fixture
def executed_workbook(tmp_path):
    "the tutorial notebook executed afresh (as the test command does) into a folder JupyterLab will serve"
    root = tmp_path/'lab'; root.mkdir()
    r = subprocess.run([sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--output-dir', str(root),
                        '--ExecutePreprocessor.timeout=900', str(ROOT/'nbs'/'10_workbook.ipynb')],
                       cwd=ROOT/'nbs', env=_env(tmp_path), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    nb = json.loads((root/'10_workbook.ipynb').read_text())
    assert any('image/png' in o.get('data', {}) for c in nb['cells'] for o in c.get('outputs', [])), 'the workbook shows no figure'
    return root/'10_workbook.ipynb'

@pytest.fixture
def jupyterlab(executed_workbook, tmp_path):
    "JupyterLab on localhost: a free port, token auth, no browser of its own, its own config/data/runtime/settings folders"
    port, token = free_port(), secrets.token_hex(16)
    dirs = {k: tmp_path/k for k in ('config', 'data', 'runtime', 'ipython', 'settings', 'workspaces')}
    for d in dirs.values(): d.mkdir()
    (dirs['settings']/'@jupyterlab'/'apputils-extension').mkdir(parents=True)
    (dirs['settings']/'@jupyterlab'/'apputils-extension'/'notification.jupyterlab-settings').write_text(
        json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))
    env = dict(_env(tmp_path), JUPYTER_CONFIG_DIR=str(dirs['config']), JUPYTER_DATA_DIR=str(dirs['data']),
               JUPYTER_RUNTIME_DIR=str(dirs['runtime']), IPYTHONDIR=str(dirs['ipython']), JUPYTER_PLATFORM_DIRS='1')
    log = open(tmp_path/'jupyterlab.log', 'w')
    p = subprocess.Popen([sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', f'--port={port}',
                          '--ServerApp.port_retries=0', f'--IdentityProvider.token={token}',
                          f'--ServerApp.root_dir={executed_workbook.parent}', f'--LabApp.user_settings_dir={dirs["settings"]}',
                          f'--LabApp.workspaces_dir={dirs["workspaces"]}', *(['--allow-root'] if os.geteuid() == 0 else [])], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f'http://127.0.0.1:{port}'
    try:
        for _ in range(240):
            if p.poll() is not None: break
            try:
                urllib.request.urlopen(f'{base}/api/status?token={token}', timeout=1); break
            except OSError: time.sleep(0.5)
        assert p.poll() is None, (tmp_path/'jupyterlab.log').read_text()[-3000:]
        with pytest.raises(urllib.error.HTTPError): urllib.request.urlopen(f'{base}/api/contents', timeout=5)  # token required
        yield base, token, executed_workbook.name
    finally:
        p.terminate()
        try: p.wait(timeout=20)
        except subprocess.TimeoutExpired: p.kill(); p.wait()
        log.close()

def test_workbook_opens_in_jupyterlab(browser, screenshots, jupyterlab):
    base, token, name = jupyterlab
    page = browser.new_page(viewport={'width': 1440, 'height': 900})
    page.goto(f'{base}/lab/tree/{name}?token={token}')
    page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=120_000)
    page.wait_for_selector('.jp-Notebook .jp-OutputArea-output img', state='attached', timeout=120_000)
    page.keyboard.press('Control+b')          # hide the file browser: more room for the notebook
    img = page.locator('.jp-Notebook .jp-OutputArea-output img').first
    img.scroll_into_view_if_needed()
    img.locator('xpath=ancestor::div[contains(@class, "jp-CodeCell")]').evaluate('e => e.scrollIntoView({block: "start"})')
    page.wait_for_function("Array.from(document.querySelectorAll('.jp-OutputArea-output img')).some(i => i.complete && i.naturalWidth > 0)", timeout=60_000)
    page.wait_for_timeout(500)
    imgs = page.eval_on_selector_all('.jp-OutputArea-output img', 'is => is.map(i => i.complete && i.naturalWidth > 0)')
    assert imgs and any(imgs), imgs
    assert img.bounding_box()['y'] < 900 and img.is_visible(), 'the figure is not on screen'
    assert page.locator('.jp-Notebook .jp-InputArea').count() >= 3, 'the notebook cells did not render'
    page.screenshot(path=str(screenshots/'workbook_jupyterlab.png'))
    page.close()
