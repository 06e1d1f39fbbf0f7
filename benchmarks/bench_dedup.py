"""Duplicate-detection benchmark: paperlens and bib-dedupe side by side, in one run, on labelled real search exports.

    nice -n 10 .venv/bin/python benchmarks/bench_dedup.py --bib-dedupe /tmp/bdvenv/bin/python
    .venv/bin/python benchmarks/bench_dedup.py --out -                  # paperlens only, table to stdout

bib-dedupe (CoLRev; `pip install bib-dedupe`) pins its own stack, so it runs with the interpreter of a separate environment
(`python3.11 -m venv /tmp/bdvenv && /tmp/bdvenv/bin/pip install bib-dedupe`), passed with `--bib-dedupe PYTHON`.

The data are folders of the CoLRev bib-dedupe benchmark (default: ../shared/data/dedup/*/, see its README): each holds
`records_pre_merged.csv` (one row per record of a real multi-database search: ID, title, year, author, pages, volume, number,
ENTRYTYPE, journal) and `merged_record_ids.csv` (one expert-labelled duplicate group per row, IDs joined by `;`).

Each tool runs in a fresh process on each dataset, timed after its imports (wall clock and CPU of the process and its children):
  * paperlens: what `paperlens.read` does to a file, step by step so that decisions map back to the benchmark's IDs:
    `parse_file` (the CSV as a user would hand it in; IDs become `source_key`), `repair` per record, `find_duplicates`,
    `merge_groups`;
  * bib-dedupe: `prep`, `block`, `match`, `cluster` (its documented pipeline; 'maybe' pairs are left unmerged, as they wait for a person).

Scoring is record level, as the benchmark defines it: in each group a tool forms, one record is kept (one of the largest part
that belongs to one true group); the other records of that part are true positives, records of other parts false positives
(removed into the wrong group); a duplicate record the tool leaves in place is a false negative. Sensitivity = TP / (TP + FN),
precision = TP / (TP + FP). It writes a Markdown table to benchmarks/results/dedup.md. A measurement, not a test.
"""
from __future__ import annotations
import argparse, json, os, platform, subprocess, sys, time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent/'shared'/'data'/'dedup'
KEEP = '<!-- read profile: benchmarks/profile_read.py -->'

PAPERLENS_CHILD = r"""
import sys, time, json, resource
from paperlens.parse import parse_file
from paperlens.clean import repair_all
from paperlens.records import to_frame
from paperlens.dedupe import find_duplicates, merge_groups, unique_ids
import rapidfuzz, scipy.sparse
def cpu(): r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime
t, c = time.perf_counter(), cpu()
p = parse_file(sys.argv[1])
df = unique_ids(to_frame(repair_all(p.records)))   # as `read` does
dec = find_duplicates(df)
groups = [[df.source_key[k]] + [df.source_key[i] for i in rest] for k, rest in merge_groups(df, dec) if rest]
dt, dc = time.perf_counter() - t, cpu() - c
print(json.dumps({'records': len(df), 'seen': p.seen, 'groups': groups, 'seconds': dt, 'cpu': dc,
                  'flagged': int((dec.action == 'flagged').sum()) if len(dec) else 0}))
"""

BIB_DEDUPE_CHILD = r"""
import sys, time, json, resource, logging, warnings
warnings.filterwarnings('ignore'); logging.disable(logging.WARNING)
import pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match, cluster
import bib_dedupe
def cpu(): r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
t, c = time.perf_counter(), cpu()
pdf = prep(df, verbosity_level=0)
pairs = block(pdf, verbosity_level=0)
matched = match(pairs, verbosity_level=0)
groups = [sorted(g) for g in cluster(matched, verbosity_level=0) if len(g) > 1]
dt, dc = time.perf_counter() - t, cpu() - c
from importlib.metadata import version
print(json.dumps({'records': len(df), 'groups': groups, 'seconds': dt, 'cpu': dc, 'version': version('bib-dedupe')}))
"""

def run(python:str, code:str, csv:Path, timeout:int=1800)->dict:
    "Run a tool's child script with `python` on `csv`; its JSON result, or an error"
    env = {**os.environ, 'PYTHONPATH': str(ROOT), 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'PYTHONHASHSEED': '0'}
    try: r = subprocess.run([python, '-c', code, str(csv)], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired: return {'error': f'did not finish in {timeout} s'}
    if r.returncode: return {'error': (r.stderr.strip().splitlines() or ['?'])[-1][:160]}
    return json.loads(r.stdout.strip().splitlines()[-1])

def truth(folder:Path)->dict:
    "Record ID -> true group number, from `merged_record_ids.csv`"
    out = {}
    for g, line in enumerate((folder/'merged_record_ids.csv').read_text(encoding='utf-8').splitlines()[1:]):
        for i in line.strip().strip('"').split(';'):
            if i.strip(): out[i.strip()] = g
    return out

def score(groups:list[list[str]], true:dict)->dict:
    "Record-level TP / FP / FN, sensitivity, precision and F1 of a tool's duplicate groups against the labels"
    tp = fp = 0
    for g in groups:
        parts = defaultdict(list)
        for i in g: parts[true.get(i, ('unique', i))].append(i)
        big = max(len(p) for p in parts.values())
        tp += big - 1; fp += len(g) - big
    sizes = defaultdict(int)
    for g in true.values(): sizes[g] += 1
    dups = sum(n - 1 for n in sizes.values())
    sens, prec = tp / dups if dups else 1.0, tp / (tp + fp) if tp + fp else 1.0
    return dict(duplicates=dups, tp=tp, fp=fp, fn=dups - tp, sensitivity=sens, precision=prec,
                f1=2 * sens * prec / (sens + prec) if sens + prec else 0.0)

def report(rows:list[dict], args)->str:
    f = lambda x, d=3: '–' if x is None else f'{x:.{d}f}'
    out = ['# Duplicate detection: paperlens beside bib-dedupe\n',
           f"Generated by `benchmarks/bench_dedup.py` on {time.strftime('%Y-%m-%d')} ({platform.machine()}, {os.cpu_count()} cores, "
           f"Python {platform.python_version()}). Data: the labelled datasets of the CoLRev bib-dedupe benchmark in `{args.data}` "
           "(real multi-database search exports, expert-labelled duplicate groups). Record-level scoring as the benchmark defines it "
           "(see the script's docstring); times are wall clock after imports, CPU includes child processes.\n",
           f"Machine load while it ran (1-minute load average, {os.cpu_count()} cores): {os.getloadavg()[0]:.1f}; on a shared machine wall time grows "
           "with the load, CPU time much less, so both are shown.\n",
           '| dataset | tool | records | true duplicates | sensitivity | precision | F1 | false merges | missed | time (s) | CPU (s) | records / 10 s | records / 10 s CPU |',
           '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        if 'error' in r:
            out.append(f"| {r['dataset']} | {r['tool']} | – | – | – | – | – | – | – | – | – | – | error: {r['error']} |"); continue
        s = r['score']
        out.append(f"| {r['dataset']} | {r['tool']} | {r['records']:,} | {s['duplicates']} | {f(s['sensitivity'])} | {f(s['precision'])} | {f(s['f1'])} | "
                   f"{s['fp']} | {s['fn']} | {f(r['seconds'], 1)} | {f(r['cpu'], 1)} | {r['records'] / r['seconds'] * 10:,.0f} | {r['records'] / r['cpu'] * 10:,.0f} |")
    tot = defaultdict(lambda: defaultdict(float))
    for r in rows:
        if 'error' in r: continue
        t = tot[r['tool']]
        for k in ('tp', 'fp', 'fn'): t[k] += r['score'][k]
        t['seconds'] += r['seconds']; t['cpu'] += r['cpu']; t['records'] += r['records']
    if len({r['dataset'] for r in rows}) > 1:
        out += ['', '| all datasets | sensitivity | precision | F1 | false merges | missed | time (s) | CPU (s) |', '|---|---:|---:|---:|---:|---:|---:|---:|']
        for tool, t in tot.items():
            sens, prec = t['tp'] / (t['tp'] + t['fn']), t['tp'] / (t['tp'] + t['fp']) if t['tp'] + t['fp'] else 1.0
            out.append(f"| {tool} | {f(sens)} | {f(prec)} | {f(2 * sens * prec / (sens + prec))} | {int(t['fp'])} | {int(t['fn'])} | {f(t['seconds'], 1)} | {f(t['cpu'], 1)} |")
    return '\n'.join(out) + '\n'

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', type=Path, default=DATA, help='folder of benchmark datasets (one sub-folder each)')
    ap.add_argument('--datasets', default='', help='comma-separated dataset names (default: every sub-folder with the two CSVs)')
    ap.add_argument('--bib-dedupe', dest='bib_dedupe', default=None, help="python of an environment where bib-dedupe is installed")
    ap.add_argument('--out', default=str(ROOT/'benchmarks'/'results'/'dedup.md'), help="Markdown file to write ('-': stdout)")
    args = ap.parse_args()
    names = [n for n in args.datasets.split(',') if n] or sorted(p.name for p in args.data.iterdir()
                                                                 if (p/'records_pre_merged.csv').exists() and (p/'merged_record_ids.csv').exists())
    rows = []
    for name in names:
        folder, true = args.data/name, truth(args.data/name)
        tools = [('paperlens', sys.executable, PAPERLENS_CHILD)] + ([('bib-dedupe', args.bib_dedupe, BIB_DEDUPE_CHILD)] if args.bib_dedupe else [])
        for tool, python, code in tools:
            r = run(python, code, folder/'records_pre_merged.csv')
            label = f"bib-dedupe {r['version']}" if tool == 'bib-dedupe' and 'version' in r else tool
            row = dict(dataset=name, tool=label, **{k: v for k, v in r.items() if k != 'groups'})
            if 'error' not in r: row['score'] = score(r['groups'], true)
            rows.append(row)
            print(f"{name:>20} {label:>16}: " + (r['error'] if 'error' in r else
                  f"sens {row['score']['sensitivity']:.3f} prec {row['score']['precision']:.3f} FP {row['score']['fp']} FN {row['score']['fn']} {r['seconds']:.1f}s"),
                  file=sys.stderr)
    text = report(rows, args)
    if args.out == '-': print(text)
    else:
        out = Path(args.out); out.parent.mkdir(parents=True, exist_ok=True)
        old = out.read_text(encoding='utf-8') if out.exists() else ''
        if KEEP in old: text += '\n' + old[old.index(KEEP):]   # the `read` profile written below the marker stays
        out.write_text(text, encoding='utf-8')
        print(f'wrote {args.out}', file=sys.stderr)

if __name__ == '__main__': main()
