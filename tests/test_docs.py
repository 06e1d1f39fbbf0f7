"The docs site builds offline from the notebooks and renders in real headless Chromium."
import os, re, subprocess, sys
from pathlib import Path
from urllib.parse import urljoin, urlparse
import pytest

ROOT = Path(__file__).resolve().parent.parent

@pytest.fixture(scope='module')
def site():
    env = {**os.environ, 'NO_MKDOCS_2_WARNING': '1'}
    if not (ROOT/'output'/'examples'/'report.html').exists():   # the docs show the example review: make it as `make review` does
        r = subprocess.run([str(Path(sys.executable).parent/'paperlens'), 'review', 'examples/seeds', '--out', 'output/examples'],
                           cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
        assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([sys.executable, 'tools/build_docs.py'], cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return ROOT/'_site'

def test_readme_is_built_from_index(site):
    r = subprocess.run([sys.executable, 'tools/build_docs.py', '--check-readme'], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (ROOT/'README.md').read_text().startswith('<!-- Generated from nbs/index.ipynb')

def test_every_notebook_has_a_page(site):
    for nb in (ROOT/'nbs').glob('*.ipynb'):
        assert (site/f'{nb.stem}.html').exists(), nb.name

def test_example_review_page(site, browser, serve, screenshots):
    "The docs carry the end-to-end example report, and it renders with its figures"
    assert (site/'example'/'report.html').exists()
    base = serve(site)
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    page.goto(f'{base}/example/report.html')
    assert 'Methods' in page.inner_text('body')
    n_img = page.evaluate("[...document.images].filter(i => i.complete && i.naturalWidth > 0).length")
    assert n_img >= 4, n_img
    page.screenshot(path=str(screenshots/'docs_example_report.png'))

def test_pages_render_in_chromium(site, browser, serve, screenshots):
    base = serve(site)
    page = browser.new_page(viewport={'width': 1280, 'height': 900})
    pages = sorted(p.name for p in site.glob('*.html') if p.name != '404.html')
    broken = []
    for name in pages:
        resp = page.goto(f'{base}/{name}')
        assert resp.ok, name
        h1 = page.locator('article h1').first.inner_text()
        assert h1.strip(), f'{name}: no title'
        if re.match(r'\d', name):   # a module chapter: its API entries are rendered by show_doc
            n_api = page.locator('article h2, article h3, article h4').count()
            assert n_api >= 1, f'{name}: no API entries'
        bad_imgs = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
        broken += [f'{name}: image {s}' for s in bad_imgs]
        for href in page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"):
            if href.startswith(('http:', 'https:', 'mailto:', '#', 'javascript:')): continue
            target = urlparse(urljoin(f'{base}/{name}', href)).path.lstrip('/')
            if not (site/target).exists(): broken.append(f'{name}: link {href}')
    assert not broken, broken
    page.goto(f'{base}/index.html'); page.screenshot(path=str(screenshots/'docs_home.png'), full_page=True)
    stage = next((p for p in pages if p.startswith('05')), pages[-1])
    page.goto(f'{base}/{stage}'); page.screenshot(path=str(screenshots/'docs_stage.png'), full_page=False)
    assert (screenshots/'docs_home.png').stat().st_size > 10_000
