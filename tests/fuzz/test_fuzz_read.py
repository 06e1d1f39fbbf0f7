"""Fuzzing `paperlens.read` with generated inputs of every format (issue 11.7).

Each example writes a batch of generated files of one format (records in the format's real shape with hostile field text: LaTeX,
HTML, Markdown, control characters, odd Unicode; then damaged: cut short, lines dropped or repeated, junk lines, a flipped byte,
CRLF, a BOM, UTF-16 or cp1252) and reads the folder with `read`. Properties: `read` never raises (except the documented
`ValueError` when nothing at all could be read), the books balance for every file, every non-blank line of every text input is
a record, a named non-record line or a rejected record, and every record is plain data.

`make fuzz` runs 10,000 inputs per format (`PAPERLENS_FUZZ=1`, `FUZZ_INPUTS`, `FUZZ_BATCH` set the size); `make test` runs a few
examples per format as a smoke test.
"""
import csv, io, json, os, random, string, tempfile
from pathlib import Path
import pytest
from hypothesis import given, settings, HealthCheck, strategies as st
from paperlens.ingest import read
from paperlens.parse import parse_file, read_text, unaccounted, FORMATS

FULL = os.environ.get('PAPERLENS_FUZZ') == '1'
INPUTS, BATCH = int(os.environ.get('FUZZ_INPUTS', 10_000)), int(os.environ.get('FUZZ_BATCH', 20))
EXAMPLES = max(1, INPUTS // BATCH) if FULL else 3

# --- field text: what real records hold, and what hostile ones do ------------------------------------------------------
MARKUP = ['$x^2$', r'\textit{in vivo}', r'{\"o}', r'\sqrt(E{\gamma} [GeV])', '6%/', '<sup>18</sup>', '<i>E. coli</i>', '&amp;', '&lt;script&gt;',
          '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[click](javascript:alert(1))', '![](https://evil.example/x.png)',
          r'\input{/etc/passwd}', r'\write18{ls}', '{', '}', '}}', '%', '#', '_', '^', '~', '\\', '"', "'", ',', ';', '|', '\t', '\x00', '\x0b',
          '\u202e', '\ufeff', 'é', 'Müller', 'Ødegård', '日本語', '😀', 'TY  - JOUR', 'ER  - ', '@article{', 'PMID- 1', '%0 Book', '<1>', 'Abstract:']
words = st.text(alphabet=string.ascii_letters + 'éøü ', min_size=1, max_size=12)
text = st.lists(st.one_of(words, st.sampled_from(MARKUP)), min_size=0, max_size=12).map(' '.join)
name = st.tuples(st.sampled_from(['Müller', "O'Brien", 'van der Berg', 'Ødegård', 'Li', 'Smith', 'de la Cruz', '{Google Brain}', 'Nakamura']),
                 st.sampled_from(['Jörg', 'Anna B.', 'J.', 'Kari', 'Wei', '', 'Marie-Pierre']))
record = st.fixed_dictionaries({'title': text, 'abstract': text, 'authors': st.lists(name, max_size=4), 'year': st.integers(1500, 2100) | st.none(),
                                'doi': st.sampled_from(['10.1000/xyz', '10.1016/j.x.2020.01.001', '', 'not a doi', '10.48550/arXiv.2401.00165']),
                                'venue': text, 'pages': st.sampled_from(['1-10', '428-38', 'e1', '', '12--15']), 'kw': st.lists(words, max_size=3)})

def au(a, style='fam'): return f"{a[0]}, {a[1]}" if style == 'fam' and a[1] else a[0] if not a[1] else f"{a[1]} {a[0]}"
def one(s): return ' '.join(str(s).split('\n'))

# --- writers: one record in each format's real shape -----------------------------------------------------------------
def w_bibtex(rs): return '\n'.join('@article{k%d,\n  title = {%s},\n  author = {%s},\n  year = {%s},\n  journal = {%s},\n  pages = {%s},\n  doi = {%s},\n  abstract = {%s}\n}\n'
                                   % (i, r['title'], ' and '.join(au(a) for a in r['authors']), r['year'] or '', r['venue'], r['pages'], r['doi'], r['abstract']) for i, r in enumerate(rs))
def w_ris(rs): return '\n'.join('TY  - JOUR\n' + ''.join(f'AU  - {au(a)}\n' for a in r['authors']) + f"TI  - {one(r['title'])}\nT2  - {one(r['venue'])}\nPY  - {r['year'] or ''}\nDO  - {r['doi']}\nAB  - {one(r['abstract'])}\n" + ''.join(f'KW  - {k}\n' for k in r['kw']) + 'ER  - \n' for r in rs)
def csl(r): return {'type': 'article-journal', 'title': r['title'], 'author': [{'family': a[0], 'given': a[1]} for a in r['authors']], 'issued': {'date-parts': [[r['year']]]} if r['year'] else {},
                    'container-title': r['venue'], 'DOI': r['doi'], 'page': r['pages'], 'abstract': r['abstract']}
def w_csl_json(rs): return json.dumps([csl(r) for r in rs], indent=2, ensure_ascii=random.random() < .5)
def w_csl_yaml(rs):
    import yaml
    return '---\nreferences:\n' + yaml.safe_dump([csl(r) for r in rs], allow_unicode=True, sort_keys=False) + '...\n'
def w_jsonl(rs):
    shapes = [lambda r: {'id': f"0704.{random.randint(1000, 9999)}", 'submitter': 'x', 'title': r['title'], 'abstract': r['abstract'], 'categories': 'hep-ph', 'journal-ref': r['venue'],
                         'versions': [{'version': 'v1', 'created': 'Mon, 2 Apr 2007 19:18:42 GMT'}], 'authors_parsed': [[a[0], a[1], ''] for a in r['authors']]},
              lambda r: {'id': 'abc', 'title': r['title'], 'paperAbstract': r['abstract'], 'authors': [{'name': au(a, 'giv'), 'ids': []} for a in r['authors']], 'year': r['year'], 'doi': r['doi']},
              lambda r: {'id': 'https://openalex.org/W1', 'display_name': r['title'], 'authorships': [{'author': {'display_name': au(a, 'giv')}} for a in r['authors']],
                         'abstract_inverted_index': {w: [i] for i, w in enumerate(r['abstract'].split())}, 'publication_year': r['year']},
              lambda r: {'title': r['title'], 'abstract': r['abstract'], 'authors': '; '.join(au(a) for a in r['authors']), 'year': r['year']}]
    return '\n'.join(json.dumps(random.choice(shapes)(r)) for r in rs) + '\n'
def w_api_json(rs):
    items = [{'id': f'https://openalex.org/W{i}', 'title': r['title'], 'authorships': [{'author': {'display_name': au(a, 'giv')}} for a in r['authors']],
              'abstract_inverted_index': {w: [i] for i, w in enumerate(r['abstract'].split())}, 'biblio': {'first_page': '1', 'last_page': '9'}} for i, r in enumerate(rs)]
    return json.dumps({'meta': {'count': len(items)}, 'results': items}, indent=random.choice([None, 2]))
def w_csv(rs):
    kind = random.choice(['scopus', 'ieee', 'springer', 'lens', 'generic'])
    heads = {'scopus': ['Authors', 'Author full names', 'Title', 'Year', 'Source title', 'DOI', 'Abstract', 'EID'],
             'ieee': ['Document Title', 'Authors', 'Publication Title', 'Publication Year', 'Start Page', 'End Page', 'Abstract', 'DOI'],
             'springer': ['Item Title', 'Publication Title', 'Item DOI', 'Authors', 'Publication Year', 'Content Type'],
             'lens': ['Lens ID', 'Title', 'Author/s', 'Publication Year', 'Source Title', 'Abstract', 'DOI'], 'generic': ['title', 'authors', 'year', 'abstract', 'doi']}[kind]
    out = io.StringIO(); w = csv.writer(out, delimiter=random.choice([',', ',', ';', '\t'])); w.writerow(heads)
    for r in rs:
        vals = {'Authors': '; '.join(au(a) for a in r['authors']), 'Author full names': '; '.join(au(a) for a in r['authors']), 'Author/s': '; '.join(au(a, 'giv') for a in r['authors']),
                'authors': '; '.join(au(a) for a in r['authors'])}
        row = [vals.get(h) or {0: r['title'], 1: r['year'] or '', 2: r['venue'], 3: r['doi'], 4: r['abstract']}.get(
            ['title' in h.lower(), 'year' in h.lower(), 'source' in h.lower() or 'publication title' in h.lower(), 'doi' in h.lower(), 'abstract' in h.lower()].index(True)
            if any(['title' in h.lower(), 'year' in h.lower(), 'source' in h.lower() or 'publication title' in h.lower(), 'doi' in h.lower(), 'abstract' in h.lower()]) else -1, 'x') for h in heads]
        if random.random() < .2: row.append('extra')
        if random.random() < .1: row = row[:-2]
        w.writerow(row)
    return out.getvalue()
def w_medline(rs): return '\n'.join(f"PMID- {30000000 + i}\nTI  - {one(r['title'])}\nAB  - {one(r['abstract'])}\n" + ''.join(f"FAU - {au(a)}\n" for a in r['authors']) +
                                    f"DP  - {r['year'] or ''} Jun\nPG  - {r['pages']}\nLID - {r['doi']} [doi]\nJT  - {one(r['venue'])}\n" for i, r in enumerate(rs))
def x(s): return str(s).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
def w_pubmed_xml(rs): return '<?xml version="1.0"?>\n<PubmedArticleSet>\n' + ''.join(
    f"<PubmedArticle><MedlineCitation><PMID>{i}</PMID><Article><Journal><JournalIssue><PubDate><Year>{r['year'] or ''}</Year></PubDate></JournalIssue><Title>{x(r['venue'])}</Title></Journal>"
    f"<ArticleTitle>{x(r['title'])}</ArticleTitle><Abstract><AbstractText>{x(r['abstract'])}</AbstractText></Abstract><AuthorList>"
    + ''.join(f"<Author><LastName>{x(a[0])}</LastName><ForeName>{x(a[1])}</ForeName></Author>" for a in r['authors']) + "</AuthorList></Article></MedlineCitation></PubmedArticle>\n" for i, r in enumerate(rs)) + '</PubmedArticleSet>\n'
def w_endnote_xml(rs): return '<?xml version="1.0" encoding="UTF-8"?><xml><records>' + ''.join(
    f"<record><ref-type name=\"Journal Article\">17</ref-type><contributors><authors>" + ''.join(f"<author><style>{x(au(a))}</style></author>" for a in r['authors']) +
    f"</authors></contributors><titles><title><style>{x(r['title'])}</style></title></titles><dates><year>{r['year'] or ''}</year></dates><abstract>{x(r['abstract'])}</abstract></record>\n" for r in rs) + '</records></xml>\n'
def w_endnote(rs): return '\n'.join('%0 Journal Article\n' + ''.join(f'%A {au(a)}\n' for a in r['authors']) + f"%T {one(r['title'])}\n%D {r['year'] or ''}\n%J {one(r['venue'])}\n%X {r['abstract']}\n%R {r['doi']}\n" for r in rs)
def w_refworks(rs): return '\n'.join('RT Journal Article\nSR Print(0)\n' + ''.join(f'A1 {au(a)}\n' for a in r['authors']) + f"T1 {one(r['title'])}\nJF {one(r['venue'])}\nYR {r['year'] or ''}\nAB {one(r['abstract'])}\n" for r in rs)
def w_ovid(rs): return ''.join(f"<{i+1}>\nAN  - {i}\nTI  - {one(r['title'])}\n" + ''.join(f"AU  - {au(a)}\n" for a in r['authors']) + f"SO  - {one(r['venue'])}. 12(3):{r['pages'] or '1'}, {r['year'] or 2000}.\nAB  - {one(r['abstract'])}\n\n" for i, r in enumerate(rs))
def w_wos(rs): return 'FN Clarivate Analytics Web of Science\nVR 1.0\n' + ''.join('PT J\n' + ''.join(f"{'AU' if k == 0 else '  '} {au(a)}\n" for k, a in enumerate(r['authors'])) + f"TI {one(r['title'])}\nSO {one(r['venue'])}\nPY {r['year'] or ''}\nAB {one(r['abstract'])}\nDI {r['doi']}\nER\n\n" for r in rs) + 'EF\n'
def w_zotero_rdf(rs): return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:z="http://www.zotero.org/namespaces/export#" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                              'xmlns:bib="http://purl.org/net/biblio#" xmlns:foaf="http://xmlns.com/foaf/0.1/" xmlns:dcterms="http://purl.org/dc/terms/">\n' + ''.join(
    f"  <bib:Article rdf:about=\"#i{i}\">\n    <z:itemType>journalArticle</z:itemType>\n    <bib:authors><rdf:Seq>" + ''.join(f"<rdf:li><foaf:Person><foaf:surname>{x(a[0])}</foaf:surname><foaf:givenName>{x(a[1])}</foaf:givenName></foaf:Person></rdf:li>" for a in r['authors']) +
    f"</rdf:Seq></bib:authors>\n    <dc:title>{x(r['title'])}</dc:title>\n    <dcterms:abstract>{x(r['abstract'])}</dcterms:abstract>\n    <dc:date>{r['year'] or ''}</dc:date>\n  </bib:Article>\n" for i, r in enumerate(rs)) + '</rdf:RDF>\n')
def w_atom(rs): return '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n' + ''.join(
    f"<entry>\n<id>http://arxiv.org/abs/2401.{i:05d}v1</id>\n<title>{x(r['title'])}</title>\n<summary>{x(r['abstract'])}</summary>\n" + ''.join(f"<author><name>{x(au(a, 'giv'))}</name></author>\n" for a in r['authors']) + "</entry>\n" for i, r in enumerate(rs)) + '</feed>\n'
def w_abstract_list(rs): return 'Jane Doe\nLab of Things\n\n' + '\n'.join(f"Abstract: {one(r['abstract'])}" for r in rs) + '\n'
def w_viewer_dump(rs): return 'Dataset Viewer\narxiv_id\nstringlengths\n10\n10\n| abstract\nstringlengths\n5\n900\n|\n---|---|\n' + ''.join(f"2401.{i:05d}\n|\n{r['abstract'] or 'x'}\n|\n" for i, r in enumerate(rs)) + 'Subsets and Splits\n'
def w_profile(rs): return 'Doe, Jane\n' + ''.join(f"{one(r['title']) or 'A title'}\n{', '.join(au(a) for a in r['authors']) or 'Doe, Jane, Roe, Rich'}\n{one(r['abstract'])}\n" for r in rs)
def w_xlsx(rs):
    import openpyxl
    wb = openpyxl.Workbook(); ws = wb.active; ws.append(['Document Title', 'Authors', 'Publication Title', 'Publication Year', 'Abstract', 'DOI'])
    ill = lambda s: ''.join(c for c in str(s) if c >= ' ' or c in '\t\n')   # openpyxl refuses control characters
    for r in rs: ws.append([ill(r['title']), ill('; '.join(au(a) for a in r['authors'])), ill(r['venue']), r['year'], ill(r['abstract']), r['doi']])
    b = io.BytesIO(); wb.save(b); return b.getvalue()

WRITERS = {'bibtex': w_bibtex, 'ris': w_ris, 'csl-json': w_csl_json, 'csl-yaml': w_csl_yaml, 'jsonl': w_jsonl, 'api-json': w_api_json, 'csv': w_csv,
           'medline': w_medline, 'pubmed-xml': w_pubmed_xml, 'endnote-xml': w_endnote_xml, 'endnote': w_endnote, 'refworks': w_refworks, 'ovid': w_ovid,
           'wos': w_wos, 'zotero-rdf': w_zotero_rdf, 'atom': w_atom, 'abstract-list': w_abstract_list, 'viewer-dump': w_viewer_dump, 'profile': w_profile, 'xlsx': w_xlsx}

def test_every_format_is_fuzzed(): assert set(WRITERS) == set(FORMATS)

# --- damage: what happens to real files --------------------------------------------------------------------------------
def damage(data:str, rnd:random.Random)->bytes:
    lines = data.split('\n')
    for _ in range(rnd.choice([0, 0, 1, 2, 4])):
        k, i = rnd.randrange(5), rnd.randrange(len(lines))
        if k == 0: del lines[i:]   # cut short
        elif k == 1: del lines[i]
        elif k == 2: lines.insert(i, lines[i])
        elif k == 3: lines.insert(i, rnd.choice(MARKUP + ['', '   ', 'garbage line', '{', ']', '"', '</entry>']))
        else: lines[i] = lines[i][:rnd.randrange(len(lines[i]) + 1)]
        if not lines: lines = ['']
    s = '\n'.join(lines)
    if rnd.random() < .2: s = s.replace('\n', '\r\n')
    enc = rnd.choice(['utf-8'] * 6 + ['utf-8-sig', 'utf-16', 'cp1252'])
    b = s.encode(enc, errors='replace')
    if rnd.random() < .15 and b:
        i = rnd.randrange(len(b)); b = b[:i] + bytes([rnd.choice([0xff, 0xfe, 0xc3, 0x80, 0x00])]) + b[i+1:]
    return b

def check(folder:Path):
    try: c = read(folder)
    except ValueError as e:
        assert str(e).startswith('nothing could be read') or 'give at least one' in str(e), e
        return
    for s in c.report['files']: assert s['seen'] == s['parsed'] + s['merged'] + s['rejected'], s
    assert c.records.id.is_unique
    for col in ('title', 'abstract', 'venue', 'doi'):
        assert c.records[col].map(lambda v: v is None or isinstance(v, str) or v != v).all()   # text, or missing (None / NaN)
    assert c.records.authors.map(lambda a: all(isinstance(p, dict) and set(p) == {'family', 'given'} for p in a)).all()
    for f in sorted(folder.iterdir()):
        p = parse_file(f)
        if p.encoding: assert unaccounted(p, read_text(f)[0]) == [], f

@pytest.mark.parametrize('fmt', sorted(WRITERS))
def test_fuzz_read(fmt):
    writer = WRITERS[fmt]
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not FULL, suppress_health_check=list(HealthCheck))
    @given(batch=st.lists(st.lists(record, min_size=0, max_size=4), min_size=BATCH if FULL else 3, max_size=BATCH if FULL else 3), seed=st.integers(0, 2**32 - 1))
    def run(batch, seed):
        rnd = random.Random(seed); random.seed(seed)
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            for i, rs in enumerate(batch):
                data = writer(rs)
                (d/f'in{i:03d}.dat').write_bytes(data if isinstance(data, bytes) and rnd.random() < .8 else
                                                  damage(data.decode('latin-1') if isinstance(data, bytes) else data, rnd))
            check(d)
    run()
