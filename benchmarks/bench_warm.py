"""A cold and a warm `paperlens review examples/seeds`, each in a fresh process, timed stage by stage (issue #16 item 2).

    nice -n 10 .venv/bin/python benchmarks/bench_warm.py [--cache DIR] [--before BUNDLE] [--runs N]

- cold: an empty cache folder (`PAPERLENS_CACHE`): the abstracts are embedded, the topics fitted, the review written.
- warm: the same command again on the same cache (embeddings, topic fit and review kept by the first run); `--runs N`
  repeats the warm run N times (default 2) and reports each and the best.
Each run is `python -c "paperlens.cli.main(['review', 'examples/seeds', '--out', ..., '--quiet'])"` in a new process; the
stages are timed by wrapping the functions `paperlens.report.review` calls (wall and CPU time of the process, all threads):
start-up and imports, read, style check, model choice, topics (embedding + fit or cached fit), the ingest tables, the
topic tables and figures, the cited review, the reports. The bundles of all runs are compared byte for byte (review.md,
review.tex, references.*, report.md, report.html, topic_info.csv, topic_quality.json, verification.json and the Parquet
tables; the manifest differs only in its own run), and with `--before` also against a bundle written by an earlier version.
It also records which heavy libraries each run imported (a warm run should not need torch, bertopic, umap, numba).
Results: benchmarks/results/warm.md (and warm.json).
"""
from __future__ import annotations
import argparse, filecmp, json, os, platform, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT/'benchmarks'/'results'
COMPARE = ['review.md', 'review.tex', 'references.bib', 'references.ris', 'references.json', 'verification.json', 'report.md',
           'report.html', 'topic_info.csv', 'topic_quality.json', 'records.parquet', 'topics.parquet', 'notes.parquet',
           'decisions.parquet', 'ingest_report.md', 'ingest_report.json']
HEAVY = ['torch', 'sentence_transformers', 'transformers', 'bertopic', 'umap', 'numba', 'hdbscan', 'sklearn', 'matplotlib', 'citeproc']

# the child: wraps the stage functions, runs the command line, writes what it measured as JSON
DRIVER = r'''
import json, sys, time
T0, C0 = time.perf_counter(), time.process_time()
out, report = sys.argv[1], sys.argv[2]
stages, inside = {}, []
def wrap(mod, name, label):
    f = getattr(mod, name)
    def timed(*a, **k):
        t, c = time.perf_counter(), time.process_time()
        key = label + (' (in write_bundle)' if inside and label == 'style check' else '')
        if label == 'bundle': inside.append(1)
        try: return f(*a, **k)
        finally:
            if label == 'bundle': inside.pop()
            s = stages.setdefault(key, [0.0, 0.0])
            s[0] += time.perf_counter() - t; s[1] += time.process_time() - c
    setattr(mod, name, timed)
import paperlens.report as R, paperlens.ingest as I, paperlens.onnx as O
from paperlens import cli
for mod, name, label in [(R, 'read_inputs', 'read'), (R, 'check_style', 'style check'), (O, 'choose_model', 'model choice'),
                         (I, 'write_ingest', 'ingest tables'), (R, 'write_topics', 'topic tables + figures'),
                         (R, 'write_cited', 'cited review'), (R, 'write_reports', 'reports'), (R, 'write_bundle', 'bundle')]:
    wrap(mod, name, label)
real_review = R.review
def review(*a, **k):   # the topics stage: `fit_topics` is imported inside `review`, so it is wrapped on first use
    import paperlens.topics as T
    if not hasattr(T.fit_topics, '__wrapped_by_bench__'):
        wrap(T, 'fit_topics', 'topics (embed + fit or cache)'); T.fit_topics.__wrapped_by_bench__ = True
    return real_review(*a, **k)
R.review = review
started = [time.perf_counter() - T0, time.process_time() - C0]
t, c = time.perf_counter(), time.process_time()
rc = cli.main(['review', 'examples/seeds', '--out', out, '--quiet'])
run = [time.perf_counter() - t, time.process_time() - c]
heavy = %r
json.dump(dict(rc=rc, started=started, run=run, stages=stages, imported=[m for m in heavy if m in sys.modules]), open(report, 'w'))
''' % HEAVY

def run(out:Path, cache:Path, tag:str)->dict:
    "One `paperlens review` in a fresh process; its stage times"
    env = dict(os.environ, PAPERLENS_CACHE=str(cache), HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', TOKENIZERS_PARALLELISM='false')
    rep = out.parent/f'{tag}.json'
    t = time.perf_counter()
    p = subprocess.run([sys.executable, '-c', DRIVER, str(out), str(rep)], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0 or not rep.exists(): raise SystemExit(f"{tag}: paperlens review failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
    r = json.loads(rep.read_text())
    r['wall'] = wall
    return r

def differ(a:Path, b:Path)->list[str]:
    return [n for n in COMPARE if not (a/n).exists() or not (b/n).exists() or not filecmp.cmp(a/n, b/n, shallow=False)]

def table(runs:dict)->list[str]:
    order = ['read', 'style check', 'model choice', 'topics (embed + fit or cache)', 'style check (in write_bundle)', 'ingest tables', 'topic tables + figures', 'cited review', 'reports']
    head = '| stage | ' + ' | '.join(f'{k} wall s | {k} CPU s' for k in runs) + ' |'
    lines = [head, '|---|' + '---:|---:|' * len(runs)]
    def row(name, get): lines.append(f'| {name} | ' + ' | '.join(f'{get(r)[0]:.2f} | {get(r)[1]:.2f}' for r in runs.values()) + ' |')
    row('interpreter start + imports before the command', lambda r: r['started'])
    for s in order: row(s, lambda r, s=s: r['stages'].get(s, [0.0, 0.0]))
    parts = ('style check (in write_bundle)', 'ingest tables', 'topic tables + figures', 'cited review', 'reports')
    get = lambda r, s: r['stages'].get(s, [0.0, 0.0])
    row('rest of write_bundle (manifest, moving the bundle into place)', lambda r: [get(r, 'bundle')[i] - sum(get(r, s)[i] for s in parts) for i in (0, 1)])
    row('rest of the command (imports on first use, command line, progress)', lambda r: [r['run'][i] - sum(get(r, s)[i] for s in
        ('read', 'style check', 'model choice', 'topics (embed + fit or cache)', 'bundle')) for i in (0, 1)])
    row('the command (cli.main)', lambda r: r['run'])
    lines.append('| **whole process (wall, as a user waits)** | ' + ' | '.join(f"**{r['wall']:.2f}** | –" for r in runs.values()) + ' |')
    return lines

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--cache', help='cache folder to start from (default: a new empty one, removed afterwards)')
    ap.add_argument('--before', help='a bundle written by an earlier version, compared byte for byte')
    ap.add_argument('--runs', type=int, default=2, help='warm runs')
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix='bench_warm-'))
    cache = Path(a.cache) if a.cache else work/'cache'
    load0 = os.getloadavg()
    runs = {'cold': run(work/'cold', cache, 'cold')}
    for i in range(a.runs): runs[f'warm{i + 1}' if a.runs > 1 else 'warm'] = run(work/f'warm{i + 1}', cache, f'warm{i + 1}')
    load1 = os.getloadavg()
    warm = [k for k in runs if k.startswith('warm')]
    same = {k: differ(work/'cold', work/k) for k in warm}
    before = {k: differ(Path(a.before), work/k) for k in runs} if a.before else None
    best = min(runs[k]['wall'] for k in warm)
    res = dict(runs=runs, differ_from_cold=same, differ_from_before=before, loadavg_start=load0, loadavg_end=load1,
               cpus=os.cpu_count(), python=platform.python_version(), machine=platform.machine(), best_warm_wall=best)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS/'warm.json').write_text(json.dumps(res, indent=2) + '\n')
    md = ['# Warm review of the bundled examples', '',
          f'`paperlens review examples/seeds --out … --quiet`, each run a fresh process (`python benchmarks/bench_warm.py`), '
          f'{os.cpu_count()} CPUs, Python {platform.python_version()}; load average {load0[0]:.1f} at the start and {load1[0]:.1f} at the end '
          '(the machine is shared: wall time above CPU time is time spent waiting for a core).', '',
          f'**Best warm run: {best:.1f} s wall** (target ≤ 10 s); cold run {runs["cold"]["wall"]:.1f} s.', '',
          *table(runs), '',
          'CPU time counts every thread of the process (numpy/BLAS threads included), so it can exceed wall time.', '',
          '## Same bytes', '',
          *[f"- {k} vs cold: {'identical' if not d else 'DIFFER: ' + ', '.join(d)} ({len(COMPARE)} files compared)" for k, d in same.items()],
          *([f"- {k} vs `{a.before}`: {'identical' if not d else 'DIFFER: ' + ', '.join(d)}" for k, d in before.items()] if before else []), '',
          '## Heavy libraries imported', '',
          *[f"- {k}: {', '.join(r['imported']) or 'none of ' + ', '.join(HEAVY)}" for k, r in runs.items()], '']
    (RESULTS/'warm.md').write_text('\n'.join(md))
    print('\n'.join(md))
    if not a.cache: shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
