"""Benchmark for paperlens.embed and paperlens.topics (not a timed test).

    nice -n 10 .venv/bin/python benchmarks/bench_topics.py [embed] [quality] [fit] [report]

embed   : docs/s of `paperlens.embed.embed` vs raw `SentenceTransformer.encode` on the same texts, warm-cache speed-up,
          fast (static) mode docs/s.
quality : topic quality of MiniLM vs the fast static model on a labelled corpus built from the seed abstracts.
fit     : topic fit time and peak memory at 1k / 10k / 100k documents, paperlens defaults vs BERTopic defaults on the
          same embeddings (each run in its own process; peak RSS of that process).
report  : write benchmarks/results/topics.md from benchmarks/results/topics.json.

Corpora are generated from real text: every synthetic abstract is 4-8 sentences drawn from seed abstracts of one
MiniLM topic (the topic is its label). Embeddings for the 1k-100k fits come from the fast static model.
"""
from __future__ import annotations
import json, os, sys, time, re, resource, subprocess, tempfile, platform
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
ROOT = Path(__file__).resolve().parents[1]
RES = ROOT/'benchmarks'/'results'
CACHE = ROOT/'.cache'
OUT = RES/'topics.json'
sys.path.insert(0, str(ROOT))

def _load():
    return json.loads(OUT.read_text()) if OUT.exists() else {}

def _save(key, val):
    d = _load(); d[key] = val
    RES.mkdir(parents=True, exist_ok=True); OUT.write_text(json.dumps(d, indent=2, sort_keys=True) + '\n')

def seed_records():
    try:
        from paperlens.ingest import read
        return read(str(ROOT/'examples'/'seeds')).records
    except ImportError:
        return pd.read_parquet(ROOT/'tests'/'fixtures'/'topics'/'seed_abstracts.parquet')

def _sentences(text):
    return [s.strip() for s in re.split(r'(?<=[.!?])\s+(?=[A-Z])', text) if len(s.split()) >= 5]

def corpus(n, seed=0):
    "n synthetic abstracts with labels: sentences recombined within the seed abstracts of one MiniLM topic"
    from paperlens.embed import doc_texts, embed
    from paperlens.topics import Topics
    recs = seed_records(); texts = doc_texts(recs)
    t = Topics(seed=42, stability_seeds=0).fit(texts, embed(texts, cache_dir=CACHE, progress=False))
    lab = t.assignments_.topic.values
    pools = {k: [s for txt, l in zip(texts, lab) if l == k for s in _sentences(txt)] for k in sorted(set(lab))}
    rng = np.random.default_rng(seed)
    keys = np.array(sorted(pools)); p = np.array([len(pools[k]) for k in keys], float); p /= p.sum()
    docs, labels = [], []
    for i in range(n):
        k = rng.choice(keys, p=p); pool = pools[k]
        docs.append(' '.join(pool[j] for j in rng.choice(len(pool), size=int(rng.integers(4, 9)), replace=False)))
        labels.append(int(k))
    return docs, np.array(labels)

def bench_static():
    "Only the fast-mode row of bench_embed"
    from paperlens.embed import embed, load_model
    big, _ = corpus(20000, seed=2)
    sm = load_model('static', cache_dir=CACHE)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter(); embed(big, model=sm, cache_dir=d, progress=False); cold = time.perf_counter() - t0
        t0 = time.perf_counter(); embed(big, model=sm, cache_dir=d, progress=False); warm = time.perf_counter() - t0
    r = _load()['embed']; r['static'] = dict(n=len(big), paperlens_cold_docs_s=len(big) / cold, warm_s=warm, warm_speedup=cold / warm)
    print(r['static']); _save('embed', r)

def bench_embed():
    from sentence_transformers import SentenceTransformer
    from paperlens.embed import embed, load_model, DEFAULT_MODEL
    docs, _ = corpus(256, seed=1)
    raw = SentenceTransformer(DEFAULT_MODEL, device=None)
    load_model()  # load once, outside the timings
    raw.encode(docs[:32], batch_size=64)
    r = {}
    best_raw, best_ours = 1e9, 1e9
    for rep in range(2):  # interleaved, best of two: the machine is shared
        t0 = time.perf_counter(); raw.encode(docs, batch_size=64, normalize_embeddings=True); best_raw = min(best_raw, time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter(); embed(docs, cache_dir=d, progress=False); best_ours = min(best_ours, time.perf_counter() - t0)
            t0 = time.perf_counter(); embed(docs, cache_dir=d, progress=False); warm = time.perf_counter() - t0
    r['minilm'] = dict(n=len(docs), raw_docs_s=len(docs) / best_raw, paperlens_cold_docs_s=len(docs) / best_ours,
                       ratio=best_raw / best_ours, warm_s=warm, warm_speedup=best_ours / warm, device=str(raw.device),
                       torch_threads=__import__('torch').get_num_threads())
    big, _ = corpus(20000, seed=2)
    sm = load_model('static', cache_dir=CACHE)  # distilled once into .cache; timings below exclude distillation
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter(); embed(big, model=sm, cache_dir=d, progress=False); cold = time.perf_counter() - t0
        t0 = time.perf_counter(); embed(big, model=sm, cache_dir=d, progress=False); warm = time.perf_counter() - t0
    r['static'] = dict(n=len(big), paperlens_cold_docs_s=len(big) / cold, warm_s=warm, warm_speedup=cold / warm)
    r['cpu'] = f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}"
    print(r); _save('embed', r)

def bench_quality():
    "MiniLM vs static on a 1,000-document labelled corpus: ARI against labels, NPMI, diversity, stability"
    from paperlens.embed import embed
    from paperlens.topics import Topics
    from sklearn.metrics import adjusted_rand_score
    docs, labels = corpus(1000, seed=3)
    out = {}
    for name in ('minilm', 'static'):
        t0 = time.perf_counter()
        E = embed(docs, model=None if name == 'minilm' else 'static', cache_dir=CACHE, progress=False)
        te = time.perf_counter() - t0
        t = Topics(seed=42, stability_seeds=5).fit(docs, E)
        q = t.quality_
        out[name] = dict(embed_s=te, ari_vs_labels=adjusted_rand_score(labels, t.assignments_.topic), n_topics=q['n_topics'],
                         outliers_before=q['outlier_share_before_reassignment'], npmi=q['coherence_npmi'],
                         diversity=q['diversity'], stability=q['stability_ari'], n_labels=int(len(set(labels))))
        print(name, out[name])
    _save('quality', dict(n=len(docs), **out))

FIT_CHILD = r'''
import sys, time, json, resource, warnings, numpy as np
warnings.filterwarnings('ignore')
sys.path.insert(0, ROOT)
n, which = int(sys.argv[1]), sys.argv[2]
docs = json.load(open(f"{TMP}/docs_{n}.json")); E = np.load(f"{TMP}/emb_{n}.npy"); labels = np.load(f"{TMP}/lab_{n}.npy")
from sklearn.metrics import adjusted_rand_score
t0 = time.perf_counter()
if which == 'paperlens':
    from paperlens.topics import Topics
    t = Topics(seed=42, stability_seeds=0).fit(docs, E)
    topics = t.assignments_.topic.values; raw = t.raw_labels_
else:
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    tm = BERTopic(embedding_model=BaseEmbedder()).fit(docs, E)
    topics = raw = np.array(tm.topics_)
dt = time.perf_counter() - t0
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork+exec, so it would report the parent's peak
hwm = next((int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(json.dumps(dict(n=n, which=which, fit_s=dt, peak_rss_gib=hwm / 2**20,
      n_topics=int(len(set(topics.tolist()) - {-1})), outliers=float(np.mean(np.asarray(topics) == -1)),
      outliers_before=float(np.mean(np.asarray(raw) == -1)), ari_vs_labels=float(adjusted_rand_score(labels, topics)))))
'''

def bench_fit(sizes=(1000, 10000, 100000), timeout=600):
    from paperlens.embed import embed
    tmp = Path(tempfile.mkdtemp())
    res = _load().get('fit', {})
    child = FIT_CHILD.replace('ROOT', repr(str(ROOT))).replace('{TMP}', str(tmp))
    for n in sizes:
        docs, labels = corpus(n, seed=4)
        t0 = time.perf_counter(); E = embed(docs, model='static', cache_dir=CACHE, progress=False); te = time.perf_counter() - t0
        (tmp/f'docs_{n}.json').write_text(json.dumps(docs)); np.save(tmp/f'emb_{n}.npy', E); np.save(tmp/f'lab_{n}.npy', labels)
        for which in ('paperlens', 'bertopic'):
            try:
                p = subprocess.run([sys.executable, '-c', child, str(n), which], capture_output=True, text=True, timeout=timeout)
                line = [l for l in p.stdout.splitlines() if l.startswith('{')]
                r = json.loads(line[-1]) if line else dict(n=n, which=which, error=p.stderr[-500:])
            except subprocess.TimeoutExpired:
                r = dict(n=n, which=which, error=f'did not finish in {timeout} s')
            r['embed_static_s'] = te
            print(r); res[f'{n}/{which}'] = r; _save('fit', res)

def report():
    d = _load(); L = ['# Topics benchmark', '',
        'Produced by `benchmarks/bench_topics.py` (not a timed test). Machine: ' + d.get('embed', {}).get('cpu', '?') +
        ', shared with other jobs while it ran, so timings are indicative. Corpora are generated from real text: each synthetic '
        'abstract is 4-8 sentences drawn from the seed abstracts of one topic (that topic is its label).', '']
    if 'embed' in d:
        m, s = d['embed']['minilm'], d['embed']['static']
        L += ['## Embedding', '', '| mode | texts | docs/s | vs raw `SentenceTransformer.encode` | warm-cache rerun | speed-up |', '|---|---|---|---|---|---|',
              f"| raw `encode` (MiniLM, {m['device']}) | {m['n']} | {m['raw_docs_s']:.1f} | 100 % | | |",
              f"| `embed` MiniLM, cold cache | {m['n']} | {m['paperlens_cold_docs_s']:.1f} | {100*m['ratio']:.0f} % | {m['warm_s']*1000:.0f} ms | {m['warm_speedup']:.0f}× |",
              f"| `embed` static (fast mode), cold cache | {s['n']} | {s['paperlens_cold_docs_s']:.0f} | | {s['warm_s']*1000:.0f} ms | {s['warm_speedup']:.0f}× |", '']
        if 'gpu' in d: L += [d['gpu'], '']
    if 'quality' in d:
        q = d['quality']; L += ['## Fast mode: what it costs in quality', '',
            f"{q['n']} labelled synthetic abstracts ({q['minilm']['n_labels']} labels), `Topics(seed=42)` defaults on each model's embeddings.", '',
            '| model | ARI vs labels | topics | outliers before reassignment | NPMI | diversity | stability (5 seeds) |', '|---|---|---|---|---|---|---|']
        for k, name in (('minilm', 'MiniLM-L6 (default)'), ('static', 'static, distilled (fast)')):
            r = q[k]; L.append(f"| {name} | {r['ari_vs_labels']:.3f} | {r['n_topics']} | {100*r['outliers_before']:.0f} % | {r['npmi']:.3f} | {r['diversity']:.2f} | {r['stability']:.3f} |")
        L.append('')
    if 'fit' in d:
        L += ['## Topic fit: time and peak memory', '', 'Same static embeddings for both; each fit runs in its own process; peak RSS is that process\'s maximum resident memory.', '',
              '| documents | model | fit time | peak memory | topics | outliers (final) | outliers (HDBSCAN) | ARI vs labels |', '|---|---|---|---|---|---|---|---|']
        for k in sorted(d['fit'], key=lambda k: (int(k.split('/')[0]), k)):
            r = d['fit'][k]; name = 'paperlens defaults' if r['which'] == 'paperlens' else 'BERTopic defaults'
            if 'error' in r: L.append(f"| {r['n']:,} | {name} | {r['error'][:80]} | | | | | |"); continue
            L.append(f"| {r['n']:,} | {name} | {r['fit_s']:.1f} s | {r['peak_rss_gib']:.2f} GiB | {r['n_topics']} | {100*r['outliers']:.1f} % | {100*r['outliers_before']:.1f} % | {r['ari_vs_labels']:.3f} |")
        L.append('')
    L += d.get('notes', [])
    (RES/'topics.md').write_text('\n'.join(L) + '\n'); print('\n'.join(L))

if __name__ == '__main__':
    args = sys.argv[1:] or ['embed', 'quality', 'fit', 'report']
    for a in args:
        if a == 'fit': bench_fit()
        elif a.startswith('fit='): bench_fit(tuple(int(x) for x in a[4:].split(',')))
        else: globals()[f'bench_{a}' if a != 'report' else 'report']()
