"""Bibliography exports the format tests had not seen (fixtures in tests/fixtures/unseen/exports/): single Web of Science authors,
a CSL-JSON file with one broken item, RIS with `A1`, repeated abstracts, a missing `ER` and one-space tags, BibTeX `and others` and
edited books, PubMed's CSV, a German library catalogue and JSON that is not CSL. Every file: seen = parsed + rejected, and every
non-blank line is a record or a note."""
import pytest
from pathlib import Path
from paperlens.parse import parse_file, read_text, unaccounted
from paperlens.records import COLUMNS, NOTE_KINDS, to_frame

FX = Path(__file__).resolve().parent/'fixtures'/'unseen'/'exports'

# file -> (forced format or None, format read as, records, seen, note kinds)
EXPECTED = {
    'wos_plain_single_author.txt': (None, 'wos', 3, 3, {'header', 'trailer'}),
    'wos_tab_single_author.txt': (None, 'csv', 3, 3, {'header'}),
    'zotero_csl_broken_item.json': (None, 'csl-json', 3, 4, {'header', 'rejected', 'trailer'}),
    'pubmed_ris_repeated_ab.ris': (None, 'ris', 5, 6, {'rejected'}),
    'ris_single_space_tags.ris': (None, 'ris', 2, 2, set()),
    'zotero_bib_others_editor.bib': (None, 'bibtex', 3, 3, {'header'}),
    'pubmed_export.csv': (None, 'csv', 2, 2, {'header'}),
    'german_catalogue.csv': (None, 'csv', 2, 2, {'header'}),
    'package_not_csl.json': (None, 'csl-json', 0, 0, {'file'}),
}

def parse(name): return parse_file(FX/name, EXPECTED[name][0])
def people(r): return [(a['family'], a['given']) for a in r['authors']]

@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_counts_and_accounting(name):
    p = parse(name)
    _, fmt, n, seen, kinds = EXPECTED[name]
    assert (p.fmt, len(p.records), p.seen, {x['kind'] for x in p.notes}) == (fmt, n, seen, kinds)
    assert p.seen == len(p.records) + sum(x['kind'] == 'rejected' for x in p.notes)   # nothing silently dropped
    assert all(x['kind'] in NOTE_KINDS and x['reason'] and x['file'] == str(FX/name) for x in p.notes)
    assert unaccounted(p, read_text(FX/name)[0]) == []
    for r in p.records:
        assert set(r) == set(COLUMNS) and r['source_file'] == str(FX/name) and r['source_format'] == fmt
        assert r['source_lines'][0] <= r['source_lines'][1] and r['title']
        assert all(a['family'] and a['family'].lower() != 'others' for a in r['authors'])
    to_frame(p.records)

def test_wos_plain_one_author_per_line():
    r = parse('wos_plain_single_author.txt').records
    assert [x['source_lines'] for x in r] == [[3, 15], [17, 29], [31, 37]]
    assert people(r[0]) == [('Higgs', 'Peter Ware')]
    assert people(r[1]) == [('Le Roy Ladurie', 'Emmanuel'), ('Goubert', 'Pierre')]   # continuation line = next author
    assert people(r[2]) == [('World Health Organization', None)]
    assert (r[0]['pages'], r[0]['doi'], r[1]['month']) == ('508–509', '10.1103/physrevlett.13.508', 3)

def test_wos_tab_semicolon_separated_authors():
    r = parse('wos_tab_single_author.txt').records
    assert [people(x) for x in r] == [[('Higgs', 'Peter W.')], [('Dupont', 'Marie'), ('Le Goff', 'Jacques')], [('Card', 'David')]]
    assert [x['source_key'] for x in r] == ['WOS:A19641234500012', 'WOS:A1995QN12300004', 'WOS:A1994PH75500001']
    assert [x['pages'] for x in r] == ['508–509', '301–330', '772–793']

def test_csl_broken_item_does_not_lose_the_rest():
    p = parse('zotero_csl_broken_item.json')
    rej = [n for n in p.notes if n['kind'] == 'rejected']
    assert [(n['line'], n['last_line']) for n in rej] == [(11, 16)]
    assert rej[0]['reason'].startswith(f"{FX/'zotero_csl_broken_item.json'}:16: invalid JSON (Expecting property name")
    assert 'items after it were still read' in rej[0]['reason']
    r = p.records
    assert [x['source_lines'] for x in r] == [[2, 10], [17, 24], [25, 32]]
    assert [x['title'] for x in r] == ['Tuberculosis in Victorian London', 'The Wealth of Nations Revisited', 'Plague and the city: Bombay 1896-1914']
    assert (r[0]['pages'], r[0]['month']) == ('117–139', 4)
    assert people(r[1]) == [('de Smith', 'Adam')]                       # non-dropping particle kept
    assert people(r[2]) == [('Arnold', 'David'), ('Chandavarkar', 'Rajnarayan')] and r[2]['flags'][0].startswith('authors-are-editors')
    assert r[2]['doi'] == '10.5555/plague.1896'                           # from the doi.org URL

def test_ris_author_order_abstracts_missing_er():
    p = parse('pubmed_ris_repeated_ab.ris')
    r = p.records
    assert [x['source_lines'] for x in r] == [[1, 15], [17, 26], [28, 32], [34, 39], [43, 46]]
    assert people(r[0]) == [('Okafor', 'Chinedu'), ('Lindqvist', 'Märta'), ('de la Fuente', 'José')]   # A1 first, file order
    assert r[0]['abstract'] == 'Background: Long-lasting insecticidal nets reduce malaria incidence. Methods: A cluster-randomised trial in 40 villages.'
    assert r[0]['pages'] == '201–210'
    assert r[1]['abstract'] == ('We compare contiguous counties straddling state borders, using quarterly payroll data. '
                                'Employment effects are small and not significant.')
    assert (r[1]['doi'], r[1]['url']) == ('10.1257/aer.20150001', 'https://doi.org/10.1257/aer.20150001')
    assert (r[2]['title'], r[2]['year'], r[2]['abstract']) == ('The Crimean War in Russian memory', 1998, 'A chapter on how the siege of Sevastopol was remembered.')
    assert [f.split(':')[0] for f in r[2]['flags']] == ['ris-no-ER']
    assert people(r[4]) == [('Hobsbawm', 'Eric')] and [f.split(':')[0] for f in r[4]['flags']] == ['authors-are-editors', 'ris-no-ER']
    rej = [n for n in p.notes if n['kind'] == 'rejected']
    assert [(n['line'], n['last_line']) for n in rej] == [(41, 42)] and 'no title, abstract or DOI' in rej[0]['reason']

def test_ris_one_space_tags():
    r = parse('ris_single_space_tags.ris').records
    assert [(x['title'], people(x), x['year'], x['source_lines']) for x in r] == [
        ('An essay on the principle of population', [('Malthus', 'Thomas')], 1798, [1, 7]),
        ('On the principles of political economy and taxation', [('Ricardo', 'David')], 1817, [9, 13])]
    assert r[0]['pages'] == '1–125'

def test_bibtex_others_editors_dashes():
    r = parse('zotero_bib_others_editor.bib').records
    assert [x['source_lines'] for x in r] == [[2, 10], [12, 17], [19, 26]]
    assert people(r[0]) == [('Müller', 'Jörg'), ('Pelé', 'André')] and r[0]['flags'] == ['authors-truncated: "and others"']
    assert (r[0]['title'], r[0]['pages'], r[0]['doi']) == ('Gene expression in the NASA twins study, 2015–2016', '1021–1035', '10.1016/j.jmb.2019.01.012')
    assert people(r[1]) == [('Hobsbawm', 'Eric'), ('Ranger', 'Terence')] and r[1]['flags'][0].startswith('authors-are-editors')
    assert r[1]['title'] == 'The Age of Revolution: Europe 1789–1848'
    assert (r[2]['pages'], r[2]['flags']) == ('891–921', [])

def test_pubmed_csv():
    p = parse('pubmed_export.csv')
    r = p.records
    assert [(x['venue'], x['volume'], x['issue'], x['pages'], x['source_key']) for x in r] == [
        ('Am J Psychiatry', '176', '6', '428–438', 'pmid:31234567 pmcid:PMC6543210'), ('Lancet Psychiatry', '5', '3', 'e1', 'pmid:29876543')]
    assert people(r[0]) == [('Smith', 'J'), ('García', 'M'), ("O'Brien", 'K')] and people(r[1]) == [('van der Berg', 'AB')]
    assert (r[0]['year'], r[0]['month'], r[1]['title']) == (2019, 6, 'Lithium and suicide prevention, revisited.')
    assert 'columns not read: First Author, Create Date, NIHMS ID' in p.notes[0]['reason']

def test_german_column_names():
    p = parse('german_catalogue.csv')
    r = p.records
    assert [(x['title'], people(x), x['year'], x['source_lines']) for x in r] == [
        ('Die Hanse im Spätmittelalter', [('Dollinger', 'Philippe')], 1964, [2, 2]),
        ('Geschichte der Inflation 1914-1923', [('Holtfrerich', 'Carl-Ludwig')], 1980, [3, 3])]
    assert (r[0]['abstract'], r[0]['pages'], r[1]['doi']) == ('Eine Studie; mit Semikolon.', '12–40', '10.1515/9783110840681')
    assert p.notes[0]['reason'] == 'generic column header (7 columns); columns not read: Signatur'

def test_json_that_is_not_csl():
    p = parse('package_not_csl.json')
    assert (p.records, p.seen, len(p.notes)) == ([], 0, 1)
    assert 'unsupported JSON structure: an object with keys name, version, dependencies' in p.notes[0]['reason']

def test_ingest_report_invariant():
    "Through `read`: seen = parsed + merged + rejected for every file, flags kept by the cleaner"
    from paperlens.ingest import read
    c = read(*[FX/n for n in EXPECTED if EXPECTED[n][0] is None])
    for s in c.report['files']:
        assert s['seen'] == s['parsed'] + s['merged'] + s['rejected'], s
    assert any(f.startswith('ris-no-ER') for fs in c.records['flags'] for f in fs)
    assert any(f.startswith('authors-truncated') for fs in c.records['flags'] for f in fs)
