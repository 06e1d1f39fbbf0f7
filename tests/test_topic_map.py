"The interactive topic map in headless Chromium: it renders offline under a strict CSP, hover and legend work, hostile record text stays text"
import hashlib, base64, os
from pathlib import Path
import numpy as np, pandas as pd, pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT/'.cache'
pytestmark = pytest.mark.slow

@pytest.fixture(scope='module')
def fitted():
    from paperlens.embed import embed, doc_texts
    from paperlens.topics import Topics
    try:
        from paperlens.ingest import read
        recs = read(str(ROOT/'examples'/'seeds')).records
    except ImportError:
        recs = pd.read_parquet(ROOT/'tests'/'fixtures'/'topics'/'seed_abstracts.parquet')
    texts = doc_texts(recs)
    t = Topics(seed=42, stability_seeds=0, cache_dir=CACHE).fit(texts, embed(texts, cache_dir=CACHE, progress=False), ids=recs.id.tolist())
    recs = recs.copy()
    recs.loc[recs.index[0], 'title'] = '<img src=x onerror="window.__pwned=1">Hostile <b>title</b> <a href="javascript:window.__pwned=2">x</a>'
    recs.at[recs.index[0], 'authors'] = [{'family': '<script>window.__pwned=3</script>Eve', 'given': 'A'}]
    return t, recs

def _page(html, scripts):
    "A page with the HTML report's policy: nothing but inline styles, data: images and the given scripts by hash"
    h = ' '.join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    csp = f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {h}\">"
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">{csp}<title>map</title></head><body>{html}'
            + ''.join(f'<script>{s}</script>' for s in scripts) + '</body></html>')

def test_topic_map_renders_offline(browser, screenshots, tmp_path, fitted):
    from paperlens.figures import topic_map_parts
    t, recs = fitted
    html, scripts = topic_map_parts(t, recs)
    f = tmp_path/'map.html'; f.write_text(_page(html, scripts), encoding='utf-8')
    page = browser.new_page(viewport={'width': 1366, 'height': 900})
    requests, dialogs, errors = [], [], []
    page.on('request', lambda q: requests.append(q.url))
    page.on('dialog', lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on('console', lambda m: errors.append(m.text) if m.type == 'error' else None)
    page.goto(f.as_uri()); page.wait_for_load_state('load')
    page.wait_for_selector('#topic-map .scatterlayer .trace', timeout=30000)
    n_topics = len(t.topic_info_)
    assert page.eval_on_selector_all('#topic-map .scatterlayer .trace', 'ts => ts.length') == n_topics
    assert page.eval_on_selector_all('#topic-map .scatterlayer .point', 'ps => ps.length') == len(t.assignments_)
    legend = page.eval_on_selector_all('#topic-map .legendtext', 'ts => ts.map(t => t.textContent)')
    assert legend == [f"{a} {b}" for a, b in zip(t.topic_info_.topic, t.topic_info_.name)]
    # hover the hostile paper: its title shows as text, nothing runs
    first = t.assignments_.topic.values[0]
    pt = page.locator(f'#topic-map .scatterlayer .trace:nth-child({list(t.topic_info_.topic).index(first) + 1}) .point').first
    pt.hover(force=True); page.wait_for_timeout(300)
    hover = page.evaluate("(document.querySelector('#topic-map .hoverlayer') || {}).textContent || ''")
    assert '<img src=x' in hover and 'Eve' in hover, hover
    assert page.evaluate('window.__pwned') is None and dialogs == []
    assert page.locator('#topic-map img').count() == 0
    # a click on a topic in the legend shows that topic alone
    page.locator('#topic-map .legend .traces .legendtoggle').nth(1).click(force=True); page.wait_for_timeout(600)
    vis = page.evaluate("document.getElementById('topic-map').data.map(d => d.visible === undefined || d.visible === true)")
    assert vis == [i == 1 for i in range(n_topics)], vis
    page.screenshot(path=str(screenshots/'topic_map.png'))
    assert [u for u in requests if not u.startswith(('file:', 'data:', 'blob:'))] == [], requests
    assert not [e for e in errors if 'Content Security Policy' in e], errors
    page.close()
