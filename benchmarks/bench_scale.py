"""Scale benchmark: the local engine beside the Dask engine (1 and 2 workers), wall time and peak memory per stage and per worker.

    nice -n 10 .venv/bin/python benchmarks/bench_scale.py --sizes 20000 --big 100000 --budget 600
    .venv/bin/python benchmarks/bench_scale.py run --engine dask --workers 2 --data DIR --json OUT   # one run (what the above calls)

The corpus is made by recombining real records (no network): titles, author lists and abstract sentences of the 1,000 arXiv
records in ../shared/data/topics/ and the 3,800 search-export titles/authors in ../shared/data/dedup/, written as JSON Lines in
the shape of the arXiv metadata snapshot (files of 50,000 records), with 1 % exact duplicates (same arXiv id, another version),
0.3 % retitled copies and 0.1 % empty records, so dedupe and the accounting have work to do. Abstracts keep the topical
structure: each mixes sentences of two or three real abstracts of one arXiv category.

Each configuration runs in a fresh subprocess (peak memory is that run's own VmHWM; the Dask workers report theirs) with the
static fast model (`model='static'`, embedding cache off) and topic fits on at most `--sample` papers. The report stage (citations
and bibliography of every record) is timed only with `--report`. Results: benchmarks/results/scale.json and scale.md.
"""
from __future__ import annotations
import argparse, json, os, random, re, resource, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent/'shared'/'data'
sys.path.insert(0, str(ROOT))
os.environ.update(HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TOKENIZERS_PARALLELISM='false')

# ---------------------------------------------------------------------------------------------------------------- corpus
def pool():
    "Real titles, author lists and abstract sentences (by arXiv category) to recombine"
    import csv
    rows = [json.loads(l) for l in open(SHARED/'topics'/'arxiv_2007_dev.jsonl')]
    by_cat, titles, authors = {}, [], []
    for r in rows:
        cat = r['categories'].split()[0].split('.')[0]
        sents = [s.strip() for s in re.split(r'(?<=[.!?])\s+', ' '.join(r['abstract'].split())) if len(s.strip()) > 20]
        by_cat.setdefault(cat, []).append(sents)
        titles.append((cat, ' '.join(r['title'].split()))); authors.append(' '.join(r['authors'].split()))
    for f in sorted(SHARED.glob('dedup/*/records_pre_merged.csv')):
        for r in csv.DictReader(open(f, encoding='utf-8', errors='replace')):
            if r.get('author'): authors.append(r['author'])
    return by_cat, titles, authors

def generate(n:int, out:Path, per_file:int=50_000, seed:int=0)->Path:
    "`n` recombined records in JSON Lines files under `out` (kept between runs)"
    done = out/'.done'
    if done.exists(): return out
    out.mkdir(parents=True, exist_ok=True)
    by_cat, titles, authors = pool()
    cats = sorted(by_cat)
    rnd = random.Random(seed)
    recs, used, k = [], set(), 0
    by_title = {}
    for c, t in titles: by_title.setdefault(c, []).append(t.split())
    for i in range(n):
        cat = titles[rnd.randrange(len(titles))][0]
        src = [rnd.choice(by_cat[cat]) for _ in range(rnd.randint(2, 3))]
        sents = [s for a in src for s in rnd.sample(a, min(len(a), rnd.randint(2, 4)))]
        for tries in range(4):   # the first half of one real title and the second half of another of the same category
            a, b = rnd.choice(by_title[cat]), rnd.choice(by_title[cat])
            t = ' '.join(a[:max(2, len(a) // 2)] + b[len(b) // 2:])
            if tries == 3: t += ' ' + ' '.join(rnd.choice(by_title[cat])[-3:])
            if t not in used: break
        used.add(t)
        rid = f"{15 + (i // 100_000) % 10:02d}{1 + (i // 1_000_000) % 12:02d}.{i % 100_000:05d}"
        rec = dict(id=rid, submitter=None, authors=rnd.choice(authors), title=t, comments=None, **{'journal-ref': None}, doi=None,
                   categories=f"{cat}", license=None, abstract=' '.join(sents), versions=[dict(version='v1', created='Mon, 2 Apr 2007 19:18:42 GMT')],
                   update_date=f"20{rid[:2]}-{rid[2:4]}-15")
        rec['id'] = rid
        recs.append(rec)
        u = rnd.random()
        if u < 0.01: recs.append({**rec, 'versions': rec['versions'] + [dict(version='v2', created='Tue, 3 Apr 2007 10:00:00 GMT')]})
        elif u < 0.013: recs.append({**rec, 'id': None, 'title': rec['title'] + ' (extended version)'})
        elif u < 0.014: recs.append({**rec, 'id': None, 'title': None, 'abstract': None})
        while len(recs) >= per_file or (i == n - 1 and recs):   # written as they come: a million records never sit in memory
            with open(out/f'arxiv-{k // per_file:04d}.jsonl', 'w') as f:
                f.write('\n'.join(json.dumps(r) for r in recs[:per_file]) + '\n')
            k += len(recs[:per_file]); recs = recs[per_file:]
    done.write_text(str(k))
    return out

# ---------------------------------------------------------------------------------------------------------------- one run
def _hwm()->float:
    "Peak resident memory of this process in GiB (VmHWM)"
    for l in open('/proc/self/status'):
        if l.startswith('VmHWM'): return int(l.split()[1]) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20

def _cpu()->float:
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime

def run(a):
    import numpy as np
    from paperlens.embed import load_model
    load0 = round(os.getloadavg()[0], 2)
    os.environ['PAPERLENS_TIMINGS'] = str(Path(a.json).with_suffix('.stages.jsonl'))   # the Dask engine appends a line as each stage ends
    Path(os.environ['PAPERLENS_TIMINGS']).unlink(missing_ok=True)
    load_model('static')   # distilled once into the cache before timing
    T, M, CPU, LOAD = {}, {}, {}, {}
    class _T(dict):   # a stage's wall seconds, with the client's CPU seconds and the load average when it ended
        def __setitem__(self, k, v):
            super().__setitem__(k, v); CPU[k] = round(_cpu() - sum(CPU.values()) - c00, 1); LOAD[k] = round(os.getloadavg()[0], 2)
            with open(Path(a.json).with_suffix('.progress.jsonl'), 'a') as f: f.write(json.dumps(dict(stage=k, seconds=round(v, 1), cpu_s=CPU[k], load=LOAD[k], peak_gib=round(_hwm(), 2))) + '\n')
    T, c00 = _T(), _cpu()
    t0 = time.perf_counter()
    if a.engine == 'local':
        from paperlens.ingest import read
        from paperlens.embed import embed, doc_texts
        from paperlens.topics import fit_topics
        c = read(a.data); T['ingest'] = time.perf_counter() - t0; M['ingest'] = _hwm()
        t0 = time.perf_counter(); texts = doc_texts(c.records)
        E = embed([t or ' ' for t in texts], model='static', cache_dir=False, progress=False); T['embed'] = time.perf_counter() - t0; M['embed'] = _hwm()
        t0 = time.perf_counter()
        if len(c.records) > a.sample:   # the local engine has no sample fit: time the fit on `sample` papers, as the Dask engine does
            idx = np.sort(np.random.default_rng(42).choice(len(c.records), a.sample, replace=False))
            t = fit_topics(c.records.iloc[idx], embeddings=E[idx], model='static', cache_dir=False, stability_seeds=0)
        else: t = fit_topics(c.records, embeddings=E, model='static', cache_dir=False, stability_seeds=0)
        T['topics'] = time.perf_counter() - t0; M['topics'] = _hwm()
        out = dict(records=len(c.records), seen=c.report['totals']['seen'], topics=len(t.topic_info_), workers={}, fit_sample=min(a.sample, len(c.records)))
        if a.report and len(c.records) <= a.sample:   # the local engine has no sample-then-assign path: its bundle needs a fit on every record
            from paperlens.report import write_bundle
            t0 = time.perf_counter(); write_bundle(c, t, a.out, [a.data], 'apa', {}); T['report'] = time.perf_counter() - t0; M['report'] = _hwm()
    else:
        from paperlens import distributed as D
        client = D.start(workers=a.workers, memory_limit=a.memory, quiet=True)
        client.run(lambda: __import__('paperlens.embed', fromlist=['x']).load_model('static'))
        tm = {}
        c = D.read(a.data, client=client, progress=False); T['ingest'] = time.perf_counter() - t0; M['ingest'] = _hwm()
        t0 = time.perf_counter(); vec = D.embed(c, client, model='static', cache_dir=False); T['embed'] = time.perf_counter() - t0; M['embed'] = _hwm(); D._note(client, 'embed', T['embed'])
        t0 = time.perf_counter(); t = D.fit_topics(c, vec, client, model='static', cache_dir=False, sample=a.sample, stability_seeds=0)
        T['topics'] = time.perf_counter() - t0; M['topics'] = _hwm(); D._note(client, 'topics', T['topics'])
        if a.report:
            from paperlens.report import write_bundle
            t0 = time.perf_counter(); write_bundle(c, t, a.out, [a.data], 'apa', {}); T['report'] = time.perf_counter() - t0; M['report'] = _hwm()
            D._note(client, 'report', T['report'])
        w = client.run(_hwm)
        out = dict(records=len(c.records), seen=c.report['totals']['seen'], topics=len(t.topic_info_),
                   workers={k.rsplit(':', 1)[-1]: round(v, 2) for k, v in w.items()}, dedupe_partitions=c.report.get('duplicate_partitions'),
                   partitions=len(c.parts), fit_sample=t.quality_.get('fit_sample'), ingest_parts=getattr(c, 'timings', {}), topic_parts=getattr(t, 'timings_', {}))
        D._close(client)
    stages = Path(os.environ['PAPERLENS_TIMINGS'])
    out.update(stages=[json.loads(l) for l in stages.read_text().splitlines()] if stages.exists() else [], client_cpu_s=CPU, load=LOAD,
               started_load=load0)
    out.update(engine=a.engine, n_workers=a.workers if a.engine == 'dask' else 0, seconds={k: round(v, 1) for k, v in T.items()},
               total_s=round(sum(T.values()), 1), client_peak_gib={k: round(v, 2) for k, v in M.items()})
    Path(a.json).write_text(json.dumps(out, indent=2))
    print(json.dumps(out), flush=True)

# ---------------------------------------------------------------------------------------------------------------- driver
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('cmd', nargs='?', default='all', choices=['all', 'run', 'project'])
    ap.add_argument('--engine', default='dask'); ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--memory', default='4GiB', help='memory limit per Dask worker')
    ap.add_argument('--data'); ap.add_argument('--json'); ap.add_argument('--out', default='/tmp/paperlens-scale/bundle')
    ap.add_argument('--sample', type=int, default=20_000, help='most papers a topic fit takes in this benchmark')
    ap.add_argument('--report', action='store_true', help='also time the report stage')
    ap.add_argument('--sizes', default='20000', help='sizes for local vs dask 1 vs dask 2 workers')
    ap.add_argument('--big', type=int, default=0, help='one more Dask run at this size (2 workers)')
    ap.add_argument('--budget', type=float, default=600, help='stop starting runs after this many seconds')
    ap.add_argument('--work', default='/tmp/paperlens-scale')
    a = ap.parse_args()
    if a.cmd == 'run': return run(a)
    if a.cmd == 'project':
        res = json.loads((ROOT/'benchmarks'/'results'/'scale.json').read_text())
        return print(table(res) + '\n\n' + project(res))
    res, start = [], time.time()
    plan = [(int(n), e, w) for n in a.sizes.split(',') for e, w in (('local', 0), ('dask', 1), ('dask', 2))]
    if a.big: plan.append((a.big, 'dask', 2))
    for n, e, w in plan:
        if time.time() - start > a.budget: print(f"budget spent: skipping {e} {w} at {n}"); continue
        t0 = time.time(); data = generate(n, Path(a.work)/f'corpus-{n}'); gen = time.time() - t0
        js = Path(a.work)/f'{e}-{w}-{n}.json'
        cmd = [sys.executable, __file__, 'run', '--engine', e, '--workers', str(w), '--data', str(data), '--json', str(js),
               '--sample', str(a.sample), '--memory', a.memory] + (['--report'] if a.report else [])
        print('$', ' '.join(cmd), flush=True)
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode: print(p.stderr[-3000:]); continue
        r = json.loads(js.read_text()); r.update(n=n, generate_s=round(gen, 1)); res.append(r); print(r, flush=True)
    out = ROOT/'benchmarks'/'results'/'scale.json'
    old = json.loads(out.read_text()) if out.exists() else []
    out.write_text(json.dumps(old + res, indent=2))
    print(table(res))

def project(res, targets=((1_000_000, 2, 8), (10_000_000, 16, 16)))->str:   # (records, workers, GiB available per dedupe task)
    "Per-stage projection from the largest measured Dask run (CPU-bound stages scale with workers, client stages with records)"
    d = max((r for r in res if r['engine'] == 'dask'), key=lambda r: (r['seen'], r['n_workers']), default=None)   # the largest Dask run
    if d is None: return '_no Dask run to project from_'
    n0, s, ip, tp = d['seen'], d['seconds'], d.get('ingest_parts', {}), d.get('topic_parts', {})
    w0 = max(1, min(d['n_workers'], d.get('partitions') or 1))   # workers that had work: one partition keeps the others idle
    rows = ['| stage | measured at %s records, %d busy worker(s) (s) | how it scales | %s |' % (f"{n0:,}", w0, ' | '.join(f"{n:,} records, {w} workers (s)" for n, w, _ in targets)),
            '|---|---|---|' + '---|' * len(targets)]
    fit = tp.get('fit', s['topics'])   # a run the sample covered whole: its whole topic stage stands for the fit
    model = [('parse + repair (workers)', ip.get('parse', s['ingest']), 'records / workers', lambda n, w, v, m: v * n / n0 * w0 / w),
             ('duplicate search (one task per dedupe partition)', ip.get('duplicates', 0), 'records; partitions of at most `dedupe_rows()` run in parallel',
              lambda n, w, v, m: v * min(n, mem_rows(m)) / n0 * max(1, -(-n // mem_rows(m)) / w)),
             ('gather records on the client', ip.get('gather', 0), 'records (client)', lambda n, w, v, m: v * n / n0),
             ('embedding, static (workers)', s['embed'], 'records / workers', lambda n, w, v, m: v * n / n0 * w0 / w),
             ('topic fit on the sample (client)', fit, 'fixed: the sample', lambda n, w, v, m: v),
             ('topic assignment (workers)', tp.get('assign', 0), 'records / workers', lambda n, w, v, m: v * n / n0 * w0 / w),
             ('topic words, map (client)', tp.get('combine', 0), 'records (client)', lambda n, w, v, m: v * n / n0)]
    tot = [0.0] * len(targets)
    for name, v, how, f in model:
        cells = []
        for k, (n, w, mem) in enumerate(targets):
            x = f(n, w, v, mem); tot[k] += x; cells.append(f"{x:,.0f}")
        rows.append(f"| {name} | {v:,.1f} | {how} | {' | '.join(cells)} |")
    rows.append(f"| **total (report stage not included)** | {sum(v for _, v, _, _ in model):,.1f} | | {' | '.join(f'**{t:,.0f}** ({t / 60:.0f} min)' for t in tot)} |")
    cp = max(d['client_peak_gib'].values()); wp = max(d['workers'].values()) if d['workers'] else 0
    rows.append('')
    rows.append(f"Memory: the client peaked at {cp:.2f} GiB and each worker at {wp:.2f} GiB at {n0:,} records, most of it the imported "
                f"libraries (the client was at {min(d['client_peak_gib'].values()):.2f} GiB before the topic stage), so a per-record figure cannot be read "
                f"from this run. Workers hold one partition (`PART_ROWS` = 10,000 records) at a time, except in the duplicate search (one task "
                f"holds its dedupe partition); the client holds every record and every vector (a static vector is 1 KiB; a record row a few KiB in pandas).")
    return '\n'.join(rows)

def mem_rows(gib:float)->int: return max(100_000, int(gib * 2**30 // 2 // (24 << 10)))   # `dedupe_rows()` for a worker with `gib` available (24 KiB a record, as it assumes)

def table(res)->str:
    rows = ['| records (seen) | engine | workers | ingest s | embed s | topics s | report s | total s | records/s | client peak GiB | worker peak GiB |',
            '|---|---|---|---|---|---|---|---|---|---|---|']
    for r in res:
        s = r['seconds']
        rows.append(f"| {r['records']:,} ({r['seen']:,}) | {r['engine']} | {r['n_workers'] or '–'} | {s.get('ingest', '–')} | {s.get('embed', '–')} | "
                    f"{s.get('topics', '–')} | {s.get('report', '–')} | {r['total_s']} | {r['seen'] / max(r['total_s'], 1e-9):,.0f} | "
                    f"{max(r['client_peak_gib'].values()):.2f} | {', '.join(f'{v:.2f}' for v in r['workers'].values()) or '–'} |")
    return '\n'.join(rows)

if __name__ == '__main__': main()
