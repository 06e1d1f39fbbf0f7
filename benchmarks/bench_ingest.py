"""Ingest benchmark: records/s and peak memory of `paperlens.parse.parse_file` per format (including MEDLINE, EndNote, PubMed XML and OpenAlex JSON), side by side with the libraries alone.

    nice -n 10 .venv/bin/python benchmarks/bench_ingest.py            # 100,000 records per format (a few minutes on 2 cores)
    .venv/bin/python benchmarks/bench_ingest.py --n 5000 --out -      # a quick look, table to stdout
    ... --litstudy /tmp/litvenv/bin/python                                # also time litstudy's loaders, from another environment

litstudy 1.0.6 needs bibtexparser 1.x, which our stack (bibtexparser 2) cannot hold, so it is timed with the interpreter of a
separate environment (`python3.11 -m venv /tmp/litvenv && /tmp/litvenv/bin/pip install litstudy 'bibtexparser<2'`).

It generates a corpus of `--n` records in every supported format from the seed abstracts (examples/seeds/; no network), then times,
each in a fresh subprocess so that peak memory (ru_maxrss) belongs to that run alone:
  * `parse_file` on each generated file and on the five seeds;
  * the library a format is built on, alone, on the same file (bibtexparser.parse_string, rispy.loads, json, csv, xml.etree);
  * `paperlens.ingest.read` end to end (parse + clean + dedupe), when that module exists.
It writes a Markdown table to benchmarks/results/ingest.md. This is a measurement, not a test: nothing fails on a slow machine.
"""
from __future__ import annotations
import argparse, csv, io, json, os, platform, random, resource, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEEDS = ROOT/'examples'/'seeds'

# ---------------------------------------------------------------------------------------------------------------- corpus
def seed_pool():
    "Titles, author lists, abstracts and arXiv ids from the seeds, to recombine into a large corpus"
    from paperlens.parse import parse_file
    recs = [r for f in sorted(SEEDS.glob('*.txt')) for r in parse_file(f).records]
    abstracts = [' '.join(r['abstract'].split()) for r in recs if r['abstract']]
    titles = [r['title'] for r in recs if r['title']] + [' '.join(a.split()[:9]).rstrip('.,;:') for a in abstracts]
    authors = [r['authors'] for r in recs if r['authors']]
    return titles, authors, abstracts

def corpus(n:int, seed:int=0)->list[dict]:
    titles, authors, abstracts = seed_pool()
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        y = rnd.randint(2015, 2024); m = rnd.randint(1, 12)
        out.append(dict(key=f"paper{i}", title=f"{rnd.choice(titles)} ({i})", authors=rnd.choice(authors), abstract=rnd.choice(abstracts),
                        year=y, month=m, arxiv=f"{y % 100:02d}{m:02d}.{i % 100000:05d}", version=rnd.choice([None, 1, 2]),
                        doi=f"10.5555/bench.{i}", venue=rnd.choice(['Advances in Neural Information Processing Systems', 'Transactions of the ACL',
                                                                     'Proceedings of ICML', 'arXiv preprint'])))
    return out

_MON = 'jan feb mar apr may jun jul aug sep oct nov dec'.split()
def names(r, fmt='{family}, {given}'): return [fmt.format(**a) for a in r['authors']]
def aid(r): return r['arxiv'] + (f"v{r['version']}" if r['version'] else '')

def w_abstract_list(rs): return 'Jane Doe\nExample University\n' + ''.join(f"Abstract:{r['abstract']}\n" for r in rs)
def w_viewer(rs):
    head = 'arxiv_id\nstringlengths 9\n12\n| abstract\nstringlengths 402\n13.8k\n|\n---|---|\n'
    body = ''.join(f"{aid(r)}\n|\n" + r['abstract'].replace('. ', '.\n', 2) + '\n|\n' for r in rs)
    return head + body + 'Subsets and Splits\nNo community queries yet\n'
def w_profile(rs): return 'Doe, Jane\n' + ''.join(f"{r['title']}\n{', '.join(names(r))}\n{r['abstract']}\n" for r in rs)
def w_bibtex(rs):
    return '@string{nips = {Advances in Neural Information Processing Systems}}\n\n' + ''.join(
        f"@article{{{r['key']},\n  title = {{{r['title']}}},\n  author = {{{' and '.join(names(r))}}},\n  journal = {{{r['venue']}}},\n"
        f"  year = {{{r['year']}}},\n  month = {_MON[r['month']-1]},\n  doi = {{{r['doi']}}},\n  eprint = {{{aid(r)}}},\n  archiveprefix = {{arXiv}},\n"
        f"  abstract = {{{r['abstract']}}},\n}}\n\n" for r in rs)
def w_ris(rs):
    return ''.join('TY  - JOUR\n' + f"TI  - {r['title']}\n" + ''.join(f"AU  - {a}\n" for a in names(r)) + f"T2  - {r['venue']}\n"
                   f"PY  - {r['year']}\nDA  - {r['year']}/{r['month']:02d}//\nDO  - {r['doi']}\nUR  - http://arxiv.org/abs/{aid(r)}\n"
                   f"AB  - {r['abstract']}\nID  - {r['key']}\nER  - \n\n" for r in rs)
def w_csl(rs):
    return json.dumps([{'id': r['key'], 'type': 'article-journal', 'title': r['title'], 'author': r['authors'], 'container-title': r['venue'],
                        'issued': {'date-parts': [[r['year'], r['month']]]}, 'DOI': r['doi'], 'URL': f"http://arxiv.org/abs/{aid(r)}",
                        'abstract': r['abstract']} for r in rs], indent='\t', ensure_ascii=False)
def w_jsonl(rs):
    return ''.join(json.dumps({'id': aid(r), 'title': r['title'], 'authors': names(r, '{given} {family}'), 'year': r['year'], 'doi': r['doi'],
                               'journal': r['venue'], 'abstract': r['abstract']}, ensure_ascii=False) + '\n' for r in rs)
SCOPUS = ['Authors', 'Author full names', 'Author(s) ID', 'Title', 'Year', 'Source title', 'Volume', 'Issue', 'Art. No.', 'Page start', 'Page end',
          'Page count', 'Cited by', 'DOI', 'Link', 'Abstract', 'Author Keywords', 'Index Keywords', 'Publisher', 'Document Type', 'Source', 'EID']
def w_csv(rs):
    buf = io.StringIO(); w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator='\n'); w.writerow(SCOPUS)
    for r in rs:
        row = dict(Authors='; '.join(f"{a['family']} {a['given'][:1]}." for a in r['authors']), **{'Author full names': '; '.join(f"{n} (5720{i})" for i, n in enumerate(names(r)))},
                   Title=r['title'], Year=r['year'], **{'Source title': r['venue']}, DOI=r['doi'], Abstract=r['abstract'], **{'Document Type': 'Article'},
                   Source='Scopus', EID=f"2-s2.0-{r['key']}")
        w.writerow([row.get(c, '') for c in SCOPUS])
    return '\ufeff' + buf.getvalue()
def w_wos(rs):
    return 'FN Clarivate Analytics Web of Science\nVR 1.0\n' + ''.join(
        'PT J\nAU ' + '\n   '.join(names(r)) + f"\nTI {r['title']}\nSO {r['venue'].upper()}\nAB {r['abstract']}\nPD {_MON[r['month']-1].upper()}\n"
        f"PY {r['year']}\nDI {r['doi']}\nUT WOS:{r['key']}\nER\n\n" for r in rs) + 'EF\n'
def w_atom(rs):
    from xml.sax.saxutils import escape as e
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n  <title>ArXiv Query</title>\n' + ''.join(
        f"  <entry>\n    <id>http://arxiv.org/abs/{aid(r)}</id>\n    <published>{r['year']}-{r['month']:02d}-01T00:00:00Z</published>\n"
        f"    <title>{e(r['title'])}</title>\n    <summary>{e(r['abstract'])}</summary>\n"
        + ''.join(f"    <author><name>{e(n)}</name></author>\n" for n in names(r, '{given} {family}')) + '  </entry>\n' for r in rs) + '</feed>\n')

def w_medline(rs):
    return ''.join(f"PMID- {30000000 + i}\nOWN - NLM\nDP  - {r['year']} {_MON[r['month']-1].title()}\nTI  - {r['title']}\nLID - {r['doi']} [doi]\nAB  - {r['abstract']}\n"
                   + ''.join(f"FAU - {a}\n" for a in names(r)) + f"PT  - Journal Article\nJT  - {r['venue']}\n\n" for i, r in enumerate(rs))
def w_endnote(rs):
    return ''.join('%0 Journal Article\n' + ''.join(f"%A {a}\n" for a in names(r)) + f"%T {r['title']}\n%J {r['venue']}\n%D {r['year']}\n%R {r['doi']}\n%X {r['abstract']}\n\n" for r in rs)
def w_pubmed_xml(rs):
    from xml.sax.saxutils import escape as e
    return '<?xml version="1.0" ?>\n<PubmedArticleSet>\n' + ''.join(
        f"<PubmedArticle><MedlineCitation><PMID>{i}</PMID><Article><Journal><JournalIssue><PubDate><Year>{r['year']}</Year></PubDate></JournalIssue>"
        f"<Title>{e(r['venue'])}</Title></Journal><ArticleTitle>{e(r['title'])}</ArticleTitle><ELocationID EIdType=\"doi\">{r['doi']}</ELocationID>"
        f"<Abstract><AbstractText>{e(r['abstract'])}</AbstractText></Abstract><AuthorList>" + ''.join(
            f"<Author><LastName>{e(a['family'])}</LastName><ForeName>{e(a['given'] or '')}</ForeName></Author>" for a in r['authors']) +
        "</AuthorList></Article></MedlineCitation></PubmedArticle>\n" for i, r in enumerate(rs)) + '</PubmedArticleSet>\n'
def w_openalex(rs):
    return json.dumps({'meta': {'count': len(rs)}, 'results': [{'id': f"https://openalex.org/W{i}", 'doi': f"https://doi.org/{r['doi']}", 'title': r['title'],
        'publication_year': r['year'], 'authorships': [{'author': {'display_name': n}} for n in names(r, '{given} {family}')],
        'abstract_inverted_index': {w: [k] for k, w in enumerate(r['abstract'].split())}, 'primary_location': {'source': {'display_name': r['venue']}}}
        for i, r in enumerate(rs)]}, ensure_ascii=False)   # as the API sends it: one line

WRITERS = {'abstract-list': ('abstracts.txt', w_abstract_list), 'viewer-dump': ('viewer.txt', w_viewer), 'profile': ('profile.txt', w_profile),
           'bibtex': ('corpus.bib', w_bibtex), 'ris': ('corpus.ris', w_ris), 'csl-json': ('corpus.json', w_csl), 'jsonl': ('corpus.jsonl', w_jsonl),
           'csv': ('scopus.csv', w_csv), 'wos': ('savedrecs.txt', w_wos), 'atom': ('arxiv.xml', w_atom), 'medline': ('pubmed.nbib', w_medline),
           'endnote': ('library.enw', w_endnote), 'pubmed-xml': ('pubmed.xml', w_pubmed_xml), 'api-json': ('openalex.json', w_openalex)}

# ------------------------------------------------------------------------------------------------------------ measuring
LIBS = {  # the library a format is built on, alone: parse the same text, no mapping, no line spans
    'bibtex': ('bibtexparser 2.1 parse_string', "import bibtexparser, logging; logging.disable(logging.WARNING); n = len(bibtexparser.parse_string(text).entries)"),
    'ris': ('rispy loads', "import rispy; n = len(rispy.loads(text))"),
    'csl-json': ('json.loads', "import json; n = len(json.loads(text))"),
    'jsonl': ('json.loads per line', "import json; n = sum(1 for l in text.splitlines() if l.strip() and json.loads(l))"),
    'csv': ('csv.DictReader', "import csv, io; csv.field_size_limit(2**31-1); n = sum(1 for _ in csv.DictReader(io.StringIO(text)))"),
    'atom': ('xml.etree fromstring', "import xml.etree.ElementTree as ET; n = len(ET.fromstring(text.encode()).findall('{http://www.w3.org/2005/Atom}entry'))"),
}

LITSTUDY = {'bibtex': 'load_bibtex', 'ris': 'load_ris_file', 'csv': 'load_scopus_csv'}   # litstudy's loader for a format
LIT_CHILD = ("import sys, time, json, logging; logging.disable(logging.WARNING); import litstudy; "
             "t, c = time.perf_counter(), time.process_time(); n = len(getattr(litstudy, sys.argv[1])(sys.argv[2])); "
             "dt, dc = time.perf_counter() - t, time.process_time() - c; "
             "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024; "
             "print(json.dumps({'records': n, 'seconds': dt, 'cpu': dc, 'maxrss_mb': hwm}))")

def run_litstudy(python, fmt, path, timeout=900):
    "Time litstudy's loader for `fmt` on `path` with the interpreter `python` (an environment where litstudy is installed)"
    try: r = subprocess.run([python, '-c', LIT_CHILD, LITSTUDY[fmt], str(path)], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired: return {'error': f'did not finish in {timeout} s'}
    if r.returncode: return {'error': (r.stderr.strip().splitlines() or ['?'])[-1][:120]}
    return json.loads(r.stdout.strip().splitlines()[-1])

def peak_mb()->float:
    "Peak resident memory of this process in MB: VmHWM, which (unlike ru_maxrss) starts afresh at exec, so the parent's size does not leak in"
    try: return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024
    except (OSError, StopIteration): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def _child(kind, arg, fmt):
    "Run in a fresh process: time one job, report records, seconds and peak RSS"
    import gc
    if kind == 'parse':
        from paperlens.parse import parse_file
        paths = arg.split(os.pathsep); reps = int(fmt)
        t, c = time.perf_counter(), time.process_time()
        for _ in range(reps): n = sum(len(parse_file(p).records) for p in paths)
        dt, dc = (time.perf_counter() - t) / reps, (time.process_time() - c) / reps
    elif kind == 'lib':
        text = Path(arg).read_text(encoding='utf-8-sig'); ns = {'text': text}
        t, c = time.perf_counter(), time.process_time(); exec(LIBS[fmt][1], ns); dt, dc = time.perf_counter() - t, time.process_time() - c; n = ns['n']
    elif kind == 'ingest':
        from paperlens.ingest import read
        paths = arg.split(os.pathsep)
        t, c0 = time.perf_counter(), time.process_time(); c = read(*paths); dt, dc = time.perf_counter() - t, time.process_time() - c0; n = len(c.records)
    print(json.dumps({'records': n, 'seconds': dt, 'cpu': dc, 'maxrss_mb': peak_mb()}))

def run_child(kind, arg, fmt):
    r = subprocess.run([sys.executable, __file__, '--child', kind, arg, str(fmt)], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1'})
    if r.returncode: return {'error': (r.stderr.strip().splitlines() or ['?'])[-1][:120]}
    return json.loads(r.stdout.strip().splitlines()[-1])

def baseline_rss():
    r = subprocess.run([sys.executable, '-c', "import sys; sys.path.insert(0, 'benchmarks'); import bench_ingest, paperlens.parse, paperlens.formats, "
                        "bibtexparser, rispy; print(bench_ingest.peak_mb())"], capture_output=True, text=True, cwd=ROOT)
    return float(r.stdout.strip() or 0)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=100_000, help='records per format')
    ap.add_argument('--formats', default=','.join(WRITERS), help='comma-separated formats to measure')
    ap.add_argument('--out', default=str(ROOT/'benchmarks'/'results'/'ingest.md'), help="Markdown table path, or '-' for stdout")
    ap.add_argument('--no-ingest', action='store_true', help='skip paperlens.ingest.read even when it exists')
    ap.add_argument('--litstudy', default=None, help="a Python interpreter with litstudy installed, to time its loaders too")
    ap.add_argument('--litstudy-n', type=int, default=10_000, help="records litstudy reads per format (its BibTeX loader reads ~150/s)")
    a = ap.parse_args()
    fmts = [f for f in a.formats.split(',') if f]
    tmp = Path(tempfile.mkdtemp(prefix='paperlens-bench-'))
    print(f"generating {a.n:,} records per format in {tmp} ...", file=sys.stderr)
    load0, recs, rows = os.getloadavg()[0], corpus(a.n), []
    base = baseline_rss()
    for fmt in fmts:
        name, w = WRITERS[fmt]
        p = tmp/name; p.write_text(w(recs), encoding='utf-8')
        mb = p.stat().st_size / 2**20
        r = run_child('parse', str(p), 1)
        lib = run_child('lib', str(p), fmt) if fmt in LIBS else None
        if 'error' in r: print(f"{fmt}: {r['error']}", file=sys.stderr)
        rows.append(dict(what=f"`parse_file` {fmt}", mb=mb, **r, lib=LIBS.get(fmt, ('',))[0], lib_res=lib))
        if a.litstudy and fmt in LITSTUDY:
            q = p
            if a.litstudy_n < a.n: q = tmp/f"lit_{name}"; q.write_text(w(recs[:a.litstudy_n]), encoding='utf-8')
            lit, qmb = run_litstudy(a.litstudy, fmt, q), q.stat().st_size / 2**20
            if q != p: q.unlink()
            rows.append(dict(what=f"litstudy 1.0.6 `{LITSTUDY[fmt]}` {fmt}" + (f" (first {a.litstudy_n:,} records)" if a.litstudy_n < a.n else ''),
                             mb=qmb, **lit, lib='', lib_res=None, other=True))
            print(f"{fmt:14s} litstudy: {lit}", file=sys.stderr)
        print(f"{fmt:14s} {mb:7.1f} MB  {r.get('records', 0):>8,} rec  {r.get('cpu', 0):7.2f} CPU s  {fmt_rate(rate(r)):>9} rec/s  "
              f"peak {r.get('maxrss_mb', 0):6.0f} MB" + (f"   | {LIBS[fmt][0]}: {fmt_rate(rate(lib))} rec/s" if lib else ''), file=sys.stderr)
        p.unlink()
    seeds = os.pathsep.join(str(f) for f in sorted(SEEDS.glob('*.txt')))
    s = run_child('parse', seeds, 50)
    rows.append(dict(what='`parse_file` on the five seeds (140 records)', mb=sum(f.stat().st_size for f in SEEDS.glob('*.txt')) / 2**20, **s, lib='', lib_res=None))
    ingest = []
    has_ingest = (ROOT/'paperlens'/'ingest.py').exists() and not a.no_ingest
    if has_ingest:
        ingest.append(('seeds (5 files, 140 records)', run_child('ingest', seeds, 0)))
        for fmt in ('jsonl', 'bibtex'):
            if fmt not in fmts: continue
            name, w = WRITERS[fmt]; p = tmp/f"ingest_{name}"; p.write_text(w(recs[:min(a.n, 10_000)]), encoding='utf-8')
            ingest.append((f"{fmt}, {min(a.n, 10_000):,} records", run_child('ingest', str(p), 0))); p.unlink()
    kept = None
    if not has_ingest and (ROOT/'paperlens'/'ingest.py').exists() and a.out != '-' and Path(a.out).exists():
        kept = kept_read_section(Path(a.out).read_text(encoding='utf-8'))   # `--no-ingest`: keep the end-to-end table the file already has
    md = report(rows, ingest, has_ingest, a.n, base, load0, kept, skipped=a.no_ingest)
    if a.out == '-': print(md)
    else:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(md, encoding='utf-8'); print(f"wrote {a.out}", file=sys.stderr)
    tmp.rmdir()

def rate(r, key='cpu'): return r['records'] / r[key] if r and 'error' not in r and r.get(key) else None
def fmt_rate(x): return f"{x:,.0f}" if x else '–'

READ_HEADING = "## `paperlens.ingest.read` end to end"

def kept_read_section(md:str)->str|None:
    "The end-to-end `read` section of an earlier ingest.md (from its heading to the next `## ` heading), to keep when this run skips it"
    i = md.find(READ_HEADING)
    if i < 0: return None
    j = md.find('\n## ', i + len(READ_HEADING))
    return md[i:j if j >= 0 else len(md)].rstrip('\n')

def report(rows, ingest, has_ingest, n, base, load0=None, kept=None, skipped=False):
    fmt_rows = [r for r in rows if 'seeds' not in r['what'] and 'records' in r and not r.get('other')]
    tot_n = sum(r['records'] for r in fmt_rows)
    tot_c, tot_w = sum(r['cpu'] for r in fmt_rows), sum(r['seconds'] for r in fmt_rows)
    bib = next((r for r in fmt_rows if r['what'].endswith('bibtex')), None)
    lines = ["# Ingest benchmark", "",
             f"Generated by `nice -n 10 python benchmarks/bench_ingest.py` on {time.strftime('%Y-%m-%d')} · Python {platform.python_version()} · "
             f"{platform.machine()}, {os.cpu_count()} cores, shared with other jobs while it ran (1-minute load average "
             + (f"{load0:.1f} at the start, " if load0 is not None else '') + f"{os.getloadavg()[0]:.1f} at the end) · "
             f"{n:,} generated records per format (recombined seed titles, authors and abstracts; about 1.3 kB of abstract each).", "",
             "Each measurement runs in a fresh process. *records/s* is records per second of that process's CPU time, which a busy shared machine "
             "disturbs less than wall-clock time; the wall-clock rate is given beside it. *Peak RSS* is the process's maximum resident memory (`VmHWM`) "
             f"(the interpreter with paperlens, bibtexparser and rispy imported is {base:.0f} MB of it). *Library alone* parses the same file with "
             "the library the format is built on, without mapping to records, line spans or notes. *litstudy* rows time litstudy's own loader "
             "for that format (run with its own environment, since it needs bibtexparser 1.x) on the first records of the same file.", "",
             "| input | file MB | records | CPU s | records/s | wall records/s | peak RSS MB | library alone | library records/s |",
             "|---|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        if 'error' in r: lines.append(f"| {r['what']} | {r['mb']:.1f} | error: {r['error']} | | | | | | |"); continue
        lr = r['lib_res']
        lines.append(f"| {r['what']} | {r['mb']:.1f} | {r['records']:,} | {r['cpu']:.2f} | {fmt_rate(rate(r))} | {fmt_rate(rate(r, 'seconds'))} | "
                     f"{r['maxrss_mb']:.0f} | {r['lib']} | {fmt_rate(rate(lr)) if lr and 'error' not in lr else ''} |")
    if tot_c:
        lines += ["", f"**Overall: {tot_n:,} records in {tot_c:.1f} CPU s = {tot_n / tot_c:,.0f} records/s** "
                  f"({tot_n / tot_w:,.0f} records/s by wall clock) across the {len(fmt_rows)} formats; issue #15 asks for ≥ 10,000 records/s."]
    if bib and 'cpu' in bib and bib['lib_res'] and 'error' not in bib['lib_res']:
        others = [r for r in fmt_rows if r is not bib]
        o_n, o_c = sum(r['records'] for r in others), sum(r['cpu'] for r in others)
        lines += ["", f"BibTeX is the bottleneck: bibtexparser 2.1's `parse_string` alone reads {fmt_rate(rate(bib['lib_res']))} entries/s, "
                  f"and `parse_file` on BibTeX ({fmt_rate(rate(bib))} records/s) spends {bib['lib_res']['cpu'] / bib['cpu']:.0%} of its time inside it. "
                  f"BibTeX takes {bib['cpu'] / tot_c:.0%} of the total time; the other {len(others)} formats together run at {o_n / o_c:,.0f} records/s."]
    if has_ingest:
        lines += ["", f"{READ_HEADING} (parse + clean + dedupe)", "",
                  "| input | records out | CPU s | records/s | wall records/s | peak RSS MB |", "|---|---:|---:|---:|---:|---:|"]
        for what, r in ingest:
            lines.append(f"| {what} | error: {r['error']} | | | | |" if 'error' in r else
                         f"| {what} | {r['records']:,} | {r['cpu']:.2f} | {fmt_rate(rate(r))} | {fmt_rate(rate(r, 'seconds'))} | {r['maxrss_mb']:.0f} |")
    elif kept: lines += ["", kept]
    elif skipped: lines += ["", "`paperlens.ingest.read` was not run (`--no-ingest`); only parsing is measured."]
    else: lines += ["", "`paperlens.ingest.read` did not exist when this was run; only parsing is measured."]
    return '\n'.join(lines) + '\n'

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--child': _child(*sys.argv[2:5])
    else: main()
