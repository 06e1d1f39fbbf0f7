"""The 2,000-record 2007 arXiv-style corpus of issue #13, end to end through `paperlens topics`.

    nice -n 10 .venv/bin/python benchmarks/bench_topics_arxiv2000.py [--model static] [--n 2000]

Builds `arxiv_2007_2000.json` (arXiv metadata snapshot shape: JSON Lines, one object a line, `.json` name) from the
1,000 real records of `../shared/data/topics/arxiv_2007_dev.jsonl` plus as many records recombined from them: each
recombined record takes the first half of one real title and the second half of another of the same first category,
and alternates the two abstracts' sentences; authors, dates and categories come from the first. Real LaTeX stays as it
is (0704.1830's `6%/\\sqrt(E{\\gamma} [GeV])`). Then it runs the `paperlens topics` command on it, timed, and scores the
topics against the categories (top-level part of the first category) with ARI and V-measure, over all records and over
the real ones only. Writes benchmarks/results/topics_arxiv2000.json.
"""
from __future__ import annotations
import json, os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent/'shared'/'data'/'topics'/'arxiv_2007_dev.jsonl'

def label(rec:dict)->str: return rec['categories'].split()[0].split('.')[0]

def _sentences(text:str)->list:
    return [s for s in re.split(r'(?<=[.!?])\s+(?=[A-Z])', ' '.join(text.split())) if s]

def build(out:str|Path, # the `.json` file to write
          n:int=2000, # records in all: the real ones first (up to 1,000), then recombined ones
          src:str|Path=SRC, # the real records
          seed:int=0,
         )->Path:
    "Write `n` arXiv-snapshot records: real ones, then ones recombined from two real records of the same category"
    import numpy as np
    real = [json.loads(l) for l in Path(src).read_text(encoding='utf-8').splitlines() if l.strip()]
    if n <= len(real):   # a smaller corpus: a spread of the real records, then half of it recombined
        k = (n + 1) // 2
        pick = np.linspace(0, len(real) - 1, k).round().astype(int)
        keep = [real[i] for i in pick]
        if not any('6%/\\sqrt' in r['abstract'] for r in keep):
            keep[-1] = next(r for r in real if '6%/\\sqrt' in r['abstract'])   # the LaTeX record is always in
        real, extra = keep, n - k
    else: extra = n - len(real)
    rng = np.random.default_rng(seed)
    by = {}
    for r in real: by.setdefault(label(r), []).append(r)
    cats = [c for c, rs in by.items() if len(rs) >= 2]
    weights = np.array([len(by[c]) for c in cats], float); weights /= weights.sum()
    made = []
    for i in range(extra):
        c = cats[rng.choice(len(cats), p=weights)]
        a, b = (by[c][j] for j in rng.choice(len(by[c]), 2, replace=False))
        ta, tb = a['title'].split(), b['title'].split()
        title = ' '.join(ta[:max(1, len(ta) // 2)] + tb[len(tb) // 2:])
        sa, sb = _sentences(a['abstract']), _sentences(b['abstract'])
        mixed = [s for pair in zip(sa[0::2], sb[1::2]) for s in pair] or sa
        made.append({**a, 'id': f'0799.{i:04d}', 'title': title, 'abstract': ' '.join(mixed), 'doi': None, 'journal-ref': None,
                     'comments': f'recombined from {a["id"]} and {b["id"]} (benchmark)'})
    out = Path(out); out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(''.join(json.dumps(r, ensure_ascii=False) + '\n' for r in real + made), encoding='utf-8')
    return out

def score(corpus:Path, out:Path)->dict:
    "ARI and V-measure of the topics written by `paperlens topics` against the categories of `corpus`"
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score, v_measure_score
    recs = {r['id']: label(r) for r in map(json.loads, corpus.read_text(encoding='utf-8').splitlines())}
    a = pd.read_parquet(out/'topics.parquet')
    arx = a.id.str.extract(r'(\d{4}\.\d{4,5})')[0]
    y = arx.map(recs)
    ok = y.notna()
    real = ok & ~arx.str.startswith('0799.')
    q = json.loads((out/'topic_quality.json').read_text())
    return dict(records_in=len(recs), records_topics=len(a), matched=int(ok.sum()), topics=q['n_topics'], outliers=q['outlier_share'],
                ari=round(float(adjusted_rand_score(y[ok], a.topic[ok])), 3), v=round(float(v_measure_score(y[ok], a.topic[ok])), 3),
                ari_real=round(float(adjusted_rand_score(y[real], a.topic[real])), 3), v_real=round(float(v_measure_score(y[real], a.topic[real])), 3),
                npmi=q['coherence_npmi'], stability=q['stability_ari'], names=pd.read_csv(out/'topic_info.csv').name.tolist())

if __name__ == '__main__':
    args = sys.argv[1:]
    model = args[args.index('--model') + 1] if '--model' in args else None
    n = int(args[args.index('--n') + 1]) if '--n' in args else 2000
    work = Path(os.environ.get('BENCH_WORK', '/tmp/paperlens-arxiv2000'))
    corpus = build(work/f'arxiv_2007_{n}.json', n)
    out = work/'topics'
    cmd = [str(ROOT/'.venv'/'bin'/'paperlens'), 'topics', str(corpus), '--out', str(out), '--quiet'] + (['--model', model] if model else [])
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = round(time.time() - t0, 1)
    print(p.stdout[-3000:], p.stderr[-3000:], sep='\n')
    res = dict(command=' '.join(cmd[1:]), rc=p.returncode, wall_s=wall, model=model or 'MiniLM (default)', n=n,
               **(score(corpus, out) if p.returncode in (0, 1) and (out/'topics.parquet').exists() else {}))
    (ROOT/'benchmarks'/'results').mkdir(exist_ok=True)
    (ROOT/'benchmarks'/'results'/'topics_arxiv2000.json').write_text(json.dumps(res, indent=1) + '\n')
    print(json.dumps(res, indent=1))
