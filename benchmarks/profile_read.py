"""Profile `paperlens.read` end to end (parse + repair + dedupe) on a generated corpus: records/s and where the time goes.

    nice -n 10 .venv/bin/python benchmarks/profile_read.py                 # 100,000 BibTeX records
    .venv/bin/python benchmarks/profile_read.py --n 20000 --fmt jsonl --top 30
    .venv/bin/python benchmarks/profile_read.py --file corpus.jsonl --no-profile --code /tmp/old   # one plain run of another checkout's code
    .venv/bin/python benchmarks/profile_read.py --file corpus.jsonl --stages                       # each stage timed on its own, no profiler

The corpus comes from the ingest benchmark's generator (benchmarks/bench_ingest.py: seed titles, authors and abstracts recombined,
unique DOIs and arXiv ids), written once to a temporary file in the chosen format. `read` runs once under cProfile (for the
breakdown) and once without it (for the figure: cProfile slows pure-Python code down), the per-string caches emptied
between the two; the stage times are the cumulative
times of the stage functions in the profiled run, scaled to the plain run. Prints a small Markdown table.
"""
from __future__ import annotations
import argparse, cProfile, io, pstats, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT/'benchmarks'))

STAGES = [('parse', 'parse_file'), ('repair', 'repair'), ('&nbsp; vocabulary load (once a process)', '_vocab'), ('records table', 'to_frame'),
          ('duplicates', 'find_duplicates'), ('&nbsp; field keys', '_keys'), ('&nbsp; candidate pairs by title', '_title_pair_rows'),
          ('&nbsp; array pre-filter of the pairs', '_may_match_rows'), ('&nbsp; pair decisions', '_decide'), ('&nbsp; near abstracts', '_near_pairs'),
          ('&nbsp;&nbsp; their blocking', '_candidate_rows_parts'), ('merge groups', 'merge_groups'), ('merge', '_apply_groups')]

def stages(path):
    "Each stage of `read` on its own, in one process, without a profiler (CPU seconds; the collector paused, as `read` has it)"
    import os
    from paperlens.parse import parse_file, _no_gc
    from paperlens import clean, dedupe as D, records, ingest
    T = {}
    def tm(name, f, *a):
        t = time.process_time(); r = f(*a); T[name] = time.process_time() - t; return r
    with _no_gc():
        tm('vocabulary load (once a process)', lambda: (clean._vocab(), clean._unigrams()))
        p = tm('parse (`parse_file`)', parse_file, path)
        recs = tm('repair (`repair_all`)', ingest._repair_all, p.records)
        df = tm('records table (`to_frame`, `unique_ids`)', lambda: D.unique_ids(records.to_frame(recs)))
        dec = tm('duplicates (`find_duplicates`)', D.find_duplicates, df)
        g = tm('merge groups and merge', lambda: D._apply_groups(df, D.merge_groups(df, dec)))
        _clear_caches(); clean._vocab(); clean._unigrams()   # the parts of the duplicate search once more, on their own
        k = tm('&nbsp; field keys (`_keys`)', D._keys, df)
        k['content'] = [i[:15] if isinstance(i, str) and i.startswith('pl:') else None for i in df['id'].tolist()]
        a, b = tm('&nbsp; candidate pairs by title (`_title_pair_rows`)', D._title_pair_rows, k)
        keep = tm('&nbsp; their array pre-filter (`_may_match_rows`)', D._may_match_rows, a, b, k)
        tm('&nbsp; near abstracts (`_near_pairs`)', D._near_pairs, df, lambda i, j: False, k['authors'], k['doi'], k['title'])
    print(f"\nStages of `read` on {path.name} ({len(df):,} records in, {len(g):,} out; {len(a):,} candidate pairs by title, {int(keep.sum()):,} decided; "
          f"load {os.getloadavg()[0]:.1f}):\n\n| stage | CPU s |\n|---|---:|")
    for name, v in T.items(): print(f"| {name} | {v:.2f} |")

def _clear_caches():
    "Empty the per-string caches of the repairs and the duplicate search, so that the profiled run does the work the plain one did"
    from paperlens import clean, dedupe
    for m in (clean, dedupe):
        for f in vars(m).values():
            if callable(getattr(f, 'cache_clear', None)): f.cache_clear()

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=100_000, help='records')
    ap.add_argument('--fmt', default='bibtex', help='format to generate (a writer of bench_ingest.py: bibtex, jsonl, ris, csv, ...)')
    ap.add_argument('--top', type=int, default=0, help='also print the N functions with the most own time')
    ap.add_argument('--file', default=None, help='read this file instead of generating one (--n and --fmt then only label the output)')
    ap.add_argument('--no-profile', action='store_true', help='only the plain run: records/s by CPU and wall clock, peak RSS, load average')
    ap.add_argument('--code', default=None, help='import paperlens from this checkout (another commit, for before/after)')
    ap.add_argument('--stages', action='store_true', help='time each stage on its own, without a profiler (needs --file)')
    args = ap.parse_args()
    import bench_ingest
    if args.code: sys.path.insert(0, args.code)   # after bench_ingest, which puts this checkout first
    from paperlens.ingest import read
    name, write = bench_ingest.WRITERS[args.fmt]
    if args.stages: return stages(Path(args.file))
    if args.no_profile:
        import os, resource, paperlens
        path, load = Path(args.file), os.getloadavg()[0]
        t, u = time.perf_counter(), time.process_time(); c = read(path); plain, cpu = time.perf_counter() - t, time.process_time() - u
        n = len(c.records)
        print(f"{path.name} ({Path(paperlens.__file__).parent.parent}): {n:,} records out; {cpu:.2f} s CPU = {n / cpu:,.0f} records/s; {plain:.2f} s wall = "
              f"{n / plain:,.0f} records/s; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; load {load:.1f} -> {os.getloadavg()[0]:.1f}")
        return
    with tempfile.TemporaryDirectory() as d:
        path = Path(d)/name
        if args.file: path = Path(args.file)
        else: path.write_text(write(bench_ingest.corpus(args.n)), encoding='utf-8')
        t, u = time.perf_counter(), time.process_time(); c = read(path); plain, cpu = time.perf_counter() - t, time.process_time() - u
        _clear_caches()
        prof = cProfile.Profile(); t = time.perf_counter(); prof.enable(); read(path); prof.disable(); profiled = time.perf_counter() - t
    st = pstats.Stats(prof)
    cum = {}
    for (file, line, fn), (cc, nc, tt, ct, callers) in st.stats.items():
        if 'paperlens' in file and fn in {f for _, f in STAGES}: cum[fn] = max(cum.get(fn, 0), ct)
    scale = plain / profiled
    print(f"\n`read` on {args.n:,} generated {args.fmt} records: {plain:.1f} s wall, {args.n / plain:,.0f} records/s; {cpu:.1f} s CPU, {args.n / cpu:,.0f} records/s "
          f"({len(c.records):,} records out, {int((c.decisions.action == 'merged').sum()) if len(c.decisions) else 0} merges)\n")
    print('| stage | seconds (scaled from the profile) | share |\n|---|---:|---:|')
    for label, fn in STAGES:
        if fn in cum: print(f"| {label} (`{fn}`) | {cum[fn] * scale:.1f} | {cum[fn] / profiled:.0%} |")
    if args.top:
        s = io.StringIO(); pstats.Stats(prof, stream=s).sort_stats('tottime').print_stats(args.top); print(s.getvalue())

if __name__ == '__main__': main()
