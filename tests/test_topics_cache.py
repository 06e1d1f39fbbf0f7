"""The cache of topic fits (`Topics.fit(..., cache_dir=...)`), across fresh processes.

A warm fit must load the stored fit without importing BERTopic, UMAP, numba or HDBSCAN, and a bundle saved from it must
have the same bytes as one saved from the cold fit; a damaged entry is refitted with a warning.
"""
import hashlib, json, os, subprocess, sys, textwrap
from pathlib import Path
import numpy as np, pandas as pd, pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT/'.cache'
ENV = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'PYTHONHASHSEED': '0'}
HEAVY = ('bertopic', 'umap', 'numba', 'hdbscan', 'pynndescent')

def _run(code, tmp):
    prelude = textwrap.dedent(f'''
        import sys, json, warnings, time, numpy as np, pandas as pd
        sys.path.insert(0, {str(ROOT)!r})
        from paperlens.topics import fit_topics
        RECS = pd.read_parquet({str(tmp/'recs.parquet')!r})
        E = np.load({str(tmp/'E.npy')!r})
        ''')
    p = subprocess.run([sys.executable, '-c', prelude + textwrap.dedent(code)], capture_output=True, text=True, env=ENV, cwd=tmp, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout.strip().splitlines()[-1])

FIT = '''
t0 = time.time()
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter('always')
    t = fit_topics(RECS, embeddings=E, cache_dir={cache!r}, runs=3, stability_seeds=2)
s = time.time() - t0
t.save({out!r})
t.save_figures({out!r} + '/figures')
print(json.dumps(dict(kind=type(t.topic_model_).__name__, heavy=[m for m in {heavy!r} if m in sys.modules], seconds=s,
                      warnings=[str(x.message) for x in w if 'cached topic fit' in str(x.message)])))
'''

def _digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob('*')) if p.is_file()}

@pytest.fixture(scope='module')
def work(tmp_path_factory):
    from paperlens.ingest import read
    from paperlens.embed import embed, doc_texts
    tmp = tmp_path_factory.mktemp('topics_cache')
    recs = read(str(ROOT/'examples'/'seeds')).records.iloc[:80]
    recs[['id', 'title', 'abstract', 'year']].to_parquet(tmp/'recs.parquet')
    np.save(tmp/'E.npy', embed(doc_texts(recs), cache_dir=CACHE, progress=False))
    return tmp

def test_warm_fit_is_the_cold_fit(work):
    "Cold fit, then a warm one in another process: no heavy imports, same bundle bytes; a broken entry is refitted"
    cache = str(work/'cache')
    cold = _run(FIT.format(cache=cache, out=str(work/'cold'), heavy=HEAVY), work)
    assert cold['kind'] == 'BERTopic' and 'bertopic' in cold['heavy']
    entries = list((work/'cache'/'topics').iterdir())
    assert len(entries) == 1 and (entries[0]/'manifest.json').exists() and not list(entries[0].rglob('*.pkl'))
    warm = _run(FIT.format(cache=cache, out=str(work/'warm'), heavy=HEAVY), work)
    assert warm['kind'] == '_Saved' and warm['heavy'] == [] and warm['warnings'] == []
    assert _digests(work/'warm') == _digests(work/'cold')
    # a damaged entry: noticed, refitted (same result), replaced
    (entries[0]/'assignments.parquet').write_bytes(b'not parquet')
    again = _run(FIT.format(cache=cache, out=str(work/'again'), heavy=HEAVY), work)
    assert again['kind'] == 'BERTopic' and any('not usable' in m for m in again['warnings'])
    assert _digests(work/'again') == _digests(work/'cold')
    warm2 = _run(FIT.format(cache=cache, out=str(work/'warm2'), heavy=HEAVY), work)
    assert warm2['kind'] == '_Saved' and _digests(work/'warm2') == _digests(work/'cold')

def test_partial_entry_and_other_settings(work):
    "A half-written entry (no manifest) is refitted; another setting or other embeddings give another key"
    cache = work/'cache'
    if not (cache/'topics').exists(): _run(FIT.format(cache=str(cache), out=str(work/'p0'), heavy=HEAVY), work)
    entry, = (cache/'topics').iterdir()
    (entry/'manifest.json').unlink()
    redo = _run(FIT.format(cache=str(cache), out=str(work/'p1'), heavy=HEAVY), work)
    assert redo['kind'] == 'BERTopic' and any('not usable' in m for m in redo['warnings'])
    assert (entry/'manifest.json').exists()                                              # replaced by a whole entry
    from paperlens.topics import Topics
    E = np.load(work/'E.npy'); E = E / np.linalg.norm(E, axis=1, keepdims=True)
    recs = pd.read_parquet(work/'recs.parquet'); docs = recs.title.tolist(); ids = recs.id.tolist()
    key = lambda E=E, docs=docs, ids=ids, **kw: Topics(cache_dir=cache, **{'runs': 3, 'stability_seeds': 2, **kw})._cache_key(docs, E, ids, None)
    base = key()
    assert base == key() and len(base) == 64
    others = [key(runs=2), key(seed=7), key(stability_seeds=3), key(nr_topics=4), key(model='static'), key(E=E + np.float32(1e-3)),
              key(ids=ids[::-1]), key(docs=docs[:-1] + ['another text']), key(n_words=5), key(npmi_reference=['more text'])]
    assert base not in others and len(set(others)) == len(others)
    assert Topics(cache_dir=None)._cache_key(docs, E, ids, None) is None                 # no cache folder: nothing cached
    from sklearn.cluster import KMeans
    assert Topics(cache_dir=cache, hdbscan_model=KMeans(3))._cache_key(docs, E, ids, None) is None   # own sub-models: not cached
