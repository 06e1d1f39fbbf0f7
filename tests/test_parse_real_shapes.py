"Each export format read from a file in its real shape (tests/fixtures/formats/ and tests/fixtures/parse/), and the defects of issues 11 and 15 that must not come back."
from pathlib import Path
import pytest
from paperlens.parse import parse_file, read_text, unaccounted, sniff, FORMATS

FX, PX = Path(__file__).parent/'fixtures'/'formats', Path(__file__).parent/'fixtures'/'parse'
people = lambda r: [(a['family'], a['given']) for a in r['authors']]

def read(name, base=FX):
    p = parse_file(base/name)
    if p.encoding: assert unaccounted(p, read_text(base/name)[0]) == [], 'every non-blank line is a record, a named non-record line or a rejected one'
    assert p.seen == len(p.records) + sum(n['kind'] == 'rejected' for n in p.notes)
    return p

def test_arxiv_snapshot_is_json_lines_not_one_object():
    "`arxiv-metadata-oai-snapshot.json`: JSON Lines with a .json name and a first line over 20,000 characters (was read as 1 CSL record)"
    assert len((FX/'arxiv-metadata-oai-snapshot.json').read_text().split('\n', 1)[0]) > 20_000
    p = read('arxiv-metadata-oai-snapshot.json')
    assert (p.fmt, len(p.records)) == ('jsonl', 4)
    r = p.records[0]
    assert (r['arxiv_id'], r['arxiv_version'], r['year'], r['month'], r['doi'], r['venue']) == ('0704.0001', 2, 2007, 4, '10.1103/physrevd.76.013009', 'Phys.Rev.D76:013009,2007')
    assert people(r)[:2] == [('Balázs', 'C.'), ('Berger', 'E. L.')] and r['title'].startswith('Calculation of prompt diphoton production cross sections at Tevatron and LHC')
    assert p.records[1]['keywords'] == ['math.CO', 'cs.CG'] and p.records[3]['arxiv_id'] == 'math/0703001'

def test_semantic_scholar_authors_are_names_and_abstracts_kept():
    p = read('s2_corpus_sample.jsonl')
    assert len(p.records) == 3
    a, b, c = p.records
    assert people(a) == [('Chorowski', 'Jan'), ('Bahdanau', 'Dzmitry'), ('Bengio', 'Yoshua')] and a['abstract'].startswith('Recurrent sequence generators')
    assert (b['venue'], b['volume'], b['pages'], b['doi'], b['source_key']) == ('Psychological Research', '76', '192–203', '10.1007/s00426-011-0335-6', 's2:9a8b7c6d5e pmid:21541757')
    assert (c['arxiv_id'], c['doi'], c['pages'], c['year'], c['month']) == ('1810.04805', '10.18653/v1/n19-1423', '4171–4186', 2019, 6)

def test_openalex_results_page_and_work():
    p = read('openalex_works_page.json', PX)
    assert (p.fmt, len(p.records)) == ('api-json', 3)
    r = p.records[0]
    assert (r['title'], r['year'], r['venue'], r['volume'], r['pages'], r['doi'], r['type'], r['publisher']) == (
        'Groundwater recharge under irrigated rice paddies in the Kanto plain', 2019, 'Journal of Hydrology', '571', '150–162',
        '10.1016/j.jhydrol.2019.01.017', 'article-journal', 'Elsevier BV')
    assert r['abstract'] == 'Paddy fields recharge shallow aquifers through ponded water. We estimate the annual recharge from tracer data.'
    assert people(r) == [('Nakamura', 'Haruki'), ('Fernández-Ortega', 'María José')]
    assert r['source_key'] == 'openalex:W2911964244 pmid:30912345 mag:2911964244'
    assert (p.records[1]['type'], p.records[2]['type'], p.records[2]['abstract']) == ('article', 'chapter', None)
    w = read('openalex_work.json', PX)
    assert (w.fmt, len(w.records), w.records[0]['issue'], w.records[0]['source_key']) == ('api-json', 1, '1', 'openalex:W3123456789 pmid:33444444 pmcid:7808888 mag:3123456789')

def test_openalex_csv():
    p = read('openalex_works.csv')
    r = p.records[0]
    assert people(r) == [('Piwowar', 'Heather'), ('Priem', 'Jason')] and r['title'].startswith('The state of OA')
    assert (r['venue'], r['volume'], r['pages'], r['doi'], r['abstract']) == ('PeerJ', '6', 'e4375', '10.7717/peerj.4375', 'Despite growing interest in Open Access')
    assert r['source_key'] == 'openalex:W2741809807 pmid:29456894 pmcid:5815332 mag:2741809807' and p.records[1]['type'] == 'article'

def test_google_scholar_serpapi_and_publish_or_perish():
    p = read('google_scholar_serpapi.json')
    assert (p.fmt, len(p.records)) == ('api-json', 3)
    r = p.records[0]
    assert people(r)[:2] == [('Drake', 'C'), ('Roehrs', 'T')] and (r['year'], r['doi']) == (2013, '10.5664/jcsm.3170')
    assert any(f.startswith('abstract-is-snippet') for f in r['flags'])
    assert (p.records[1]['year'], p.records[1]['venue'], people(p.records[1])) == (2017, 'Sleep medicine reviews', [('Clark', 'IJ'), ('Landolt', 'HP')])
    q = read('publish_or_perish.json')
    assert (q.fmt, len(q.records)) == ('api-json', 2)
    assert (q.records[0]['doi'], q.records[0]['pages'], q.records[0]['volume'], q.records[0]['venue']) == ('10.5664/jcsm.3170', '1195–1200', '9', 'Journal of Clinical Sleep Medicine')

def test_lens_csv_authors_and_ids():
    p = read('lens_export.csv')
    r = p.records[0]
    assert people(r) == [('Koelmans', 'Alice'), ('Mohamed Nor', 'Nur Hazimah'), ('Hermsen', 'Enny')] or people(r)[0] == ('Koelmans', 'Alice')
    assert (r['venue'], r['volume'], r['pages'], r['year'], r['month'], r['type'], r['keywords']) == ('Water Research', '171', '115456', 2020, 3, 'article-journal', ['microplastics', 'drinking water'])
    assert r['source_key'] == 'lens:000-111-222-333-444 pmid:31923722 mag:2999999999' and p.records[1]['type'] == 'article'

def test_ieee_csv_keeps_venue_volume_pages():
    p = read('ieee_xplore_export.csv')
    r = p.records[0]
    assert (r['venue'], r['volume'], r['issue'], r['pages'], r['type'], r['doi']) == (
        'IEEE Transactions on Circuits and Systems I: Regular Papers', '70', '5', '2011–2023', 'article-journal', '10.1109/tcsi.2023.3245678')
    assert people(r)[0] == ('Tanaka', 'K.') and '"always-on"' in r['abstract'] and p.records[1]['type'] == 'paper-conference'

def test_springer_csv_item_title_and_doi():
    "Springer's CSV (`Item Title`, `Item DOI`): every row was rejected"
    p = read('springer_search_results.csv')
    assert [r['title'] for r in p.records] == ['Soil carbon under no-till farming: a meta-analysis', 'Cover crops and nitrate leaching', 'Tillage, erosion and yields']
    assert people(p.records[0]) == [('González', 'Maria'), ('McDonald', 'John'), ('Zhang', 'Wei')]
    assert people(p.records[1]) == [('LeCun', 'Yann'), ("O'Neill", 'Peter')]
    assert (p.records[0]['doi'], p.records[0]['volume'], p.records[2]['type']) == ('10.1007/s13593-022-00771-2', '42', 'chapter')

def test_scopus_46_fields_under_45_header_keeps_aligned_fields():
    "A real Scopus CSV: rows of 46 fields under a 45-field header lost 56 of 58 records"
    p = read('scopus_46_fields.csv')
    assert len(p.records) == 3 and not any(n['kind'] == 'rejected' for n in p.notes)
    r = p.records[0]
    assert (r['title'], r['year'], r['venue'], r['doi']) == ('Groundwater recharge study number 1', 2021, 'Journal of Hydrology', '10.1016/j.jhydrol.2021.126580')
    assert people(r) == [('Okafor', 'Peter'), ('Lindqvist', 'Sofia')] and r['abstract'].startswith('We measured recharge at site 1.')
    assert r['flags'][0].startswith('csv-extra-fields: "46 fields under a 45-field header')

def test_ris_with_only_st_gets_a_title_and_one_bad_byte_spoils_only_its_line():
    p = read('utf8_one_bad_byte.ris')
    assert p.encoding == 'utf-8' and len(p.records) == 3
    assert p.records[0]['title'] == 'Grundwasserneubildung in Norddeutschland' and people(p.records[0])[0] == ('Müller', 'Jörg')
    assert people(p.records[2]) == [('Größ', 'Hans')] and 'Mﾃｼller' not in str(p.records)
    assert '\ufffd' in p.records[1]['abstract'] and p.records[1]['flags'] == ['undecodable-bytes: "line 16: bytes that are not utf-8, shown as \ufffd"']
    assert p.records[0]['flags'] == p.records[2]['flags'] == []

def test_bibtex_empty_and_shared_keys_are_distinct_records():
    "Mendeley writes `@article{,` for entries without a key: they were rejected as duplicates"
    p = read('mendeley_empty_keys.bib')
    assert [r['title'] for r in p.records] == ['Deep learning for crop yield prediction', 'Remote sensing of soil moisture',
                                               'Deep learning for crop yield prediction', 'Crop yield prediction using deep neural networks']
    assert [r['flags'] for r in p.records] == [[], ['bibtex-empty-key'], [], ['bibtex-duplicate-key: "khaki2019"']]
    assert [n['kind'] for n in p.notes] == ['noise'] and 'repeats the entry at line 24' in p.notes[0]['reason']

def test_unclosed_csv_quote_rejects_its_row_only():
    "One unclosed quote turned every following row into one garbage title"
    p = read('unclosed_quote.csv')
    assert [r['title'] for r in p.records] == ['First paper', 'Third paper', 'Fourth paper']
    bad = [n for n in p.notes if n['kind'] == 'rejected']
    assert len(bad) == 1 and bad[0]['line'] == 3 and 'never closes' in bad[0]['reason']
    assert p.records[1]['abstract'] == 'An abstract\nover two lines'

def test_too_deep_json_rejects_that_item_only():
    p = read('deep_nesting.jsonl')
    assert [r['title'] for r in p.records] == ['A good first record', 'A good last record']
    assert [(n['kind'], n['line']) for n in p.notes] == [('rejected', 2)] and 'too deep' in p.notes[0]['reason']
    q = parse_file(FX/'deep_first_line.json')   # RecursionError while sniffing crashed the run
    assert q.records == [] and any(n['kind'] == 'rejected' and 'too deep' in n['reason'] for n in q.notes)

def test_refworks_is_not_an_author_profile():
    p = read('refworks_export.txt', PX)
    assert p.fmt == 'refworks' and not any(r['title'] == 'ID 1220' for r in p.records)

@pytest.mark.parametrize('name,fmt,n', [
    ('pubmed_export.nbib', 'medline', 3), ('pubmed_efetch.xml', 'pubmed-xml', 3), ('endnote_library.xml', 'endnote-xml', 3),
    ('endnote_export.enw', 'endnote', 3), ('ovid_medline.txt', 'ovid', 2), ('ovid_labelled.txt', 'ovid', 2), ('zotero_library.rdf', 'zotero-rdf', 3),
    ('pandoc_refs.yaml', 'csl-yaml', 3), ('ieee_export.xlsx', 'xlsx', 3), ('refworks_export.txt', 'refworks', 3)])
def test_format_detected_from_content_whatever_the_name(tmp_path, name, fmt, n):
    "Each format is told from its content: the same bytes under a meaningless name read the same"
    src = PX/name
    assert (parse_file(src).fmt, len(parse_file(src).records)) == (fmt, n)
    g = tmp_path/'export.dat'; g.write_bytes(src.read_bytes())
    q = parse_file(g)
    assert (q.fmt, len(q.records)) == (fmt, n)

def test_pubmed_txt_named_txt_is_medline(tmp_path):
    g = tmp_path/'pubmed-ketamine-set.txt'; g.write_bytes((PX/'pubmed_export.nbib').read_bytes())
    assert parse_file(g).fmt == 'medline'

def test_every_registered_format_has_a_detector_and_docs():
    for k, f in FORMATS.items():
        assert f.name == k and callable(f.parse) and callable(f.detect) and f.family in ('pages', 'managers', 'databases', 'apis', 'sheets') and f.doc
