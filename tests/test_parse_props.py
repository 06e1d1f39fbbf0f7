"Property-based tests (hypothesis) for every parser of paperlens.parse / paperlens.formats."
import csv, io, json, string
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck, assume
from paperlens.parse import FORMATS, parse_file, read_text, unaccounted, sniff, split_arxiv

SET = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
norm = lambda t: t.replace('\r\n', '\n').replace('\r', '\n')

# --- building blocks ---------------------------------------------------------------------------
word = st.text(string.ascii_lowercase, min_size=1, max_size=10)
cap = st.builds(lambda w: w.capitalize(), word)
uword = st.sampled_from(['Müller', 'Jörg', 'Łukasz', 'Zoë', 'Ünal', 'Çelik', 'Øster'])
name_part = st.one_of(cap, uword)
person = st.fixed_dictionaries({'family': name_part, 'given': name_part})
sentence = st.builds(lambda ws: ' '.join(ws).capitalize() + '.', st.lists(word, min_size=3, max_size=25))
abstract = st.builds(' '.join, st.lists(sentence, min_size=1, max_size=6))
title = st.builds(lambda a, ws: a + ' ' + ' '.join(ws), cap, st.lists(word, min_size=1, max_size=10))   # has lower-case words: never an author line
year = st.integers(1950, 2030)
arxiv = st.builds(lambda y, m, n, v: f"{y:02d}{m:02d}.{n:05d}" + (f"v{v}" if v else ''), st.integers(7, 29), st.integers(1, 12), st.integers(0, 99999), st.integers(0, 9))
newline = st.sampled_from(['\n', '\r\n'])

def write(tmp_path, text, nl='\n', name='x.txt', final=True, enc='utf-8'):
    body = text.replace('\n', nl)
    if not final: body = body.rstrip('\r\n')
    f = tmp_path/name; f.write_bytes(body.encode(enc)); return f

def check(p, f, same_line_ok=False):
    "every line accounted for, seen counted, spans ordered (records may share a line only in one-line JSON)"
    assert unaccounted(p, read_text(f)[0]) == []
    assert p.seen == len(p.records) + sum(n['kind'] == 'rejected' for n in p.notes)
    spans = [r['source_lines'] for r in p.records]
    assert all(a <= b for a, b in spans) and all(x[1] < y[0] or same_line_ok and x[1] <= y[0] for x, y in zip(spans, spans[1:]))

# --- the page shapes -----------------------------------------------------------------------------
@SET
@given(header=st.lists(st.builds(lambda a, b: f"{a} {b}", cap, cap), max_size=2), abstracts=st.lists(abstract, min_size=1, max_size=12),
       blanks=st.lists(st.booleans(), min_size=12, max_size=12), label=st.sampled_from(['Abstract:', 'Abstract: ', 'ABSTRACT:', 'abstract : ']),
       nl=newline, final=st.booleans())
def test_abstract_list_roundtrip(tmp_path_factory, header, abstracts, blanks, label, nl, final):
    lines, spans = list(header), []
    for a, b in zip(abstracts, blanks):
        if b: lines.append('')
        lines.append(label + a); spans.append([len(lines)] * 2)
    f = write(tmp_path_factory.mktemp('a'), '\n'.join(lines) + '\n', nl, final=final)
    p = parse_file(f)
    assert (p.fmt, [r['abstract'] for r in p.records], [r['source_lines'] for r in p.records]) == ('abstract-list', abstracts, spans)
    assert [n['text'] for n in p.notes if n['kind'] == 'header'] == header
    check(p, f)

@SET
@given(rows=st.lists(st.tuples(st.one_of(arxiv, st.builds(lambda w, n: f"{w}{n}", word, st.integers(0, 999))), st.lists(sentence, min_size=1, max_size=4)),
                     min_size=1, max_size=15),
       idcol=st.sampled_from(['arxiv_id', 'id', 'paper_id']), chrome=st.lists(st.sampled_from(['Subsets and Splits', 'No community queries yet', 'Downloads last month']), max_size=3),
       nl=newline, final=st.booleans())
def test_viewer_dump_roundtrip(tmp_path_factory, rows, idcol, chrome, nl, final):
    lines = [idcol, 'stringlengths', '9', '12', '| abstract', 'stringlengths', '402', '13.8k', '|', '---|---|']
    spans = []
    for rid, ab in rows:
        start = len(lines) + 1
        lines += [rid, '|', *ab, '|']; spans.append([start, len(lines)])
    lines += chrome
    f = write(tmp_path_factory.mktemp('v'), '\n'.join(lines) + '\n', nl, final=final)
    p = parse_file(f)
    assert p.fmt == 'viewer-dump' and len(p.records) == len(rows)
    assert [r['source_key'] for r in p.records] == [r for r, _ in rows]
    assert [r['abstract'] for r in p.records] == ['\n'.join(ab) for _, ab in rows]
    assert [r['source_lines'] for r in p.records] == spans
    for r, (rid, _) in zip(p.records, rows):
        ax = split_arxiv(rid)
        assert (r['arxiv_id'], r['arxiv_version']) == (ax if ax else (None, None))
    assert [n['kind'] for n in p.notes] == ['header'] + (['trailer'] if chrome else [])
    check(p, f)

@SET
@given(owner=st.one_of(st.none(), person), papers=st.lists(st.tuples(title, st.lists(person, min_size=1, max_size=8), st.lists(sentence, min_size=1, max_size=3)),
                                                          min_size=1, max_size=10), nl=newline, final=st.booleans())
def test_profile_roundtrip(tmp_path_factory, owner, papers, nl, final):
    lines, spans = ([f"{owner['family']}, {owner['given']}"] if owner else []), []
    for t, au, ab in papers:
        start = len(lines) + 1
        lines += [t, ', '.join(f"{a['family']}, {a['given']}" for a in au), *ab]; spans.append([start, len(lines)])
    f = write(tmp_path_factory.mktemp('p'), '\n'.join(lines) + '\n', nl, final=final)
    p = parse_file(f)
    assert p.fmt == 'profile'
    assert [(r['title'], r['authors'], r['abstract'], r['source_lines']) for r in p.records] == [(t, au, '\n'.join(ab), s) for (t, au, ab), s in zip(papers, spans)]
    assert p.owner == (lines[0] if owner else None)
    check(p, f)

# --- bibliography formats -----------------------------------------------------------------------
entry = st.fixed_dictionaries({'title': title, 'authors': st.lists(person, min_size=1, max_size=5), 'year': year, 'abstract': abstract,
                               'key': st.builds(lambda w, n: f"{w}{n}", word, st.integers(0, 10**6))})
entries = st.lists(entry, min_size=1, max_size=10, unique_by=lambda e: e['key'])
def aut(r): return [(a['family'], a['given']) for a in r['authors']]

@SET
@given(es=entries, nl=newline)
def test_bibtex_roundtrip(tmp_path_factory, es, nl):
    lines, spans = [], []
    for e in es:
        start = len(lines) + 1
        lines += [f"@article{{{e['key']},", f"  title = {{{e['title']}}},", f"  author = {{{' and '.join(a['family'] + ', ' + a['given'] for a in e['authors'])}}},",
                  f"  year = {e['year']},", f"  abstract = {{{e['abstract']}}},", '}', '']
        spans.append([start, start + 5])
    f = write(tmp_path_factory.mktemp('b'), '\n'.join(lines), nl, name='x.bib')
    p = parse_file(f)
    assert p.fmt == 'bibtex'
    assert [(r['source_key'], r['title'], r['year'], r['abstract'], r['source_lines']) for r in p.records] == [(e['key'], e['title'], e['year'], e['abstract'], s) for e, s in zip(es, spans)]
    assert [aut(r) for r in p.records] == [[(a['family'], a['given']) for a in e['authors']] for e in es]
    check(p, f)

@SET
@given(es=entries, nl=newline, enc=st.sampled_from(['utf-8', 'utf-16', 'utf-8-sig']))
def test_ris_roundtrip(tmp_path_factory, es, nl, enc):
    lines, spans = [], []
    for e in es:
        start = len(lines) + 1
        lines += ['TY  - JOUR', f"TI  - {e['title']}", *[f"AU  - {a['family']}, {a['given']}" for a in e['authors']], f"PY  - {e['year']}",
                  f"AB  - {e['abstract']}", f"ID  - {e['key']}", 'ER  - ']
        spans.append([start, len(lines)]); lines.append('')
    f = write(tmp_path_factory.mktemp('r'), '\n'.join(lines), nl, name='x.ris', enc=enc)
    p = parse_file(f)
    assert [(r['source_key'], r['title'], r['year'], r['abstract'], r['source_lines']) for r in p.records] == [(e['key'], e['title'], e['year'], e['abstract'], s) for e, s in zip(es, spans)]
    assert [aut(r) for r in p.records] == [[(a['family'], a['given']) for a in e['authors']] for e in es]
    check(p, f)

@SET
@given(es=entries, indent=st.sampled_from([None, 1, '\t']))
def test_csl_json_roundtrip(tmp_path_factory, es, indent):
    items = [{'id': e['key'], 'type': 'article-journal', 'title': e['title'], 'author': e['authors'], 'issued': {'date-parts': [[e['year']]]}, 'abstract': e['abstract']} for e in es]
    f = write(tmp_path_factory.mktemp('c'), json.dumps(items, indent=indent, ensure_ascii=False), name='x.json')
    p = parse_file(f)
    assert p.fmt == 'csl-json'
    assert [(r['source_key'], r['title'], r['year'], r['abstract'], r['authors']) for r in p.records] == [(e['key'], e['title'], e['year'], e['abstract'], e['authors']) for e in es]
    check(p, f, same_line_ok=indent is None)

@SET
@given(es=entries)
def test_jsonl_roundtrip(tmp_path_factory, es):
    text = '\n'.join(json.dumps({'id': e['key'], 'title': e['title'], 'authors': [f"{a['given']} {a['family']}" for a in e['authors']], 'year': e['year'], 'abstract': e['abstract']}) for e in es)
    f = write(tmp_path_factory.mktemp('j'), text, name='x.jsonl')
    p = parse_file(f)
    assert [(r['source_key'], r['title'], r['year'], r['abstract'], r['source_lines']) for r in p.records] == [(e['key'], e['title'], e['year'], e['abstract'], [i, i]) for i, e in enumerate(es, 1)]
    check(p, f)

@SET
@given(es=entries, delim=st.sampled_from([',', '\t', ';']), wrap=st.booleans())
def test_csv_roundtrip(tmp_path_factory, es, delim, wrap):
    buf = io.StringIO(); w = csv.writer(buf, delimiter=delim, lineterminator='\n')
    w.writerow(['Title', 'Authors', 'Year', 'Abstract'])
    spans, line = [], 2
    for e in es:
        ab = e['abstract'].replace('. ', '.\n') if wrap else e['abstract']
        w.writerow([e['title'], '; '.join(f"{a['family']}, {a['given']}" for a in e['authors']), e['year'], ab])
        spans.append([line, line + ab.count('\n')]); line += ab.count('\n') + 1
    f = write(tmp_path_factory.mktemp('s'), buf.getvalue(), name='x.csv')
    p = parse_file(f)
    assert p.fmt == 'csv'
    assert [(r['title'], r['year'], r['source_lines']) for r in p.records] == [(e['title'], e['year'], s) for e, s in zip(es, spans)]
    assert [aut(r) for r in p.records] == [[(a['family'], a['given']) for a in e['authors']] for e in es]
    check(p, f)

@SET
@given(es=entries, nl=newline)
def test_wos_plaintext_roundtrip(tmp_path_factory, es, nl):
    lines, spans = ['FN Clarivate Analytics Web of Science', 'VR 1.0'], []
    for e in es:
        start = len(lines) + 1
        au = [f"{a['family']}, {a['given']}" for a in e['authors']]
        lines += ['PT J', 'AF ' + au[0], *['   ' + a for a in au[1:]], f"TI {e['title']}", f"AB {e['abstract']}", f"PY {e['year']}", f"UT WOS:{e['key']}", 'ER']
        spans.append([start, len(lines)]); lines.append('')
    lines.append('EF')
    f = write(tmp_path_factory.mktemp('w'), '\n'.join(lines) + '\n', nl, name='savedrecs.txt')
    p = parse_file(f)
    assert p.fmt == 'wos'
    assert [(r['source_key'], r['title'], r['year'], r['abstract'], r['source_lines']) for r in p.records] == [(f"WOS:{e['key']}", e['title'], e['year'], e['abstract'], s) for e, s in zip(es, spans)]
    assert [aut(r) for r in p.records] == [[(a['family'], a['given']) for a in e['authors']] for e in es]
    check(p, f)

@SET
@given(es=st.lists(st.tuples(arxiv, entry), min_size=1, max_size=8))
def test_atom_roundtrip(tmp_path_factory, es):
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">', '  <title>ArXiv Query</title>']
    spans = []
    for ax, e in es:
        start = len(lines) + 1
        lines += ['  <entry>', f'    <id>http://arxiv.org/abs/{ax}</id>', f"    <published>{e['year']}-01-02T00:00:00Z</published>", f"    <title>{e['title']}</title>",
                  f"    <summary>{e['abstract']}</summary>", *[f"    <author><name>{a['given']} {a['family']}</name></author>" for a in e['authors']], '  </entry>']
        spans.append([start, len(lines)])
    lines.append('</feed>')
    f = write(tmp_path_factory.mktemp('x'), '\n'.join(lines) + '\n', name='x.xml')
    p = parse_file(f)
    assert [(r['source_key'].rsplit('/', 1)[-1], r['title'], r['year'], r['abstract'], r['source_lines']) for r in p.records] == [(ax, e['title'], e['year'], e['abstract'], s) for (ax, e), s in zip(es, spans)]
    assert [r['arxiv_id'] for r in p.records] == [split_arxiv(ax)[0] for ax, _ in es]
    check(p, f)

# --- anything at all ------------------------------------------------------------------------------
junk = st.one_of(st.text(max_size=400), st.lists(st.sampled_from(['Abstract: x', '|', '---|---|', '@article{k,', 'title = {t},', '}', 'TY  - JOUR', 'ER  - ',
                 'Doe, Jane', 'A title', '[', ']', '{"title": "t"}', '<entry>', '</entry>', 'PT J', 'ER', 'title,abstract', 'a,"b', '', 'stringlengths',
                 'Subsets and Splits', 'Smith, J, Lee, K']), max_size=40).map('\n'.join))

@settings(max_examples=150, deadline=None)
@given(text=junk, fmt=st.sampled_from(sorted(k for k, f in FORMATS.items() if not f.binary)))
def test_any_text_any_parser_accounts_for_every_line(text, fmt):
    text = norm(text)
    p = FORMATS[fmt](text, 'junk.txt')
    assert unaccounted(p, text) == []
    assert p.seen == len(p.records) + sum(n['kind'] == 'rejected' for n in p.notes)

@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=600), junk.map(lambda t: t.encode('utf-8')), junk.map(lambda t: t.encode('utf-16'))))
def test_any_bytes_never_raise(tmp_path_factory, data):
    f = tmp_path_factory.mktemp('z')/'junk.dat'; f.write_bytes(data)
    p = parse_file(f)
    assert p.seen == len(p.records) + sum(n['kind'] == 'rejected' for n in p.notes)
    if p.encoding and p.records: assert unaccounted(p, read_text(f)[0]) == []
    if not p.records: assert p.notes, 'nothing parsed and nothing said'
