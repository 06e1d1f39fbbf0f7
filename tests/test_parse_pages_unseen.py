"End-to-end tests of the page parsers (abstract list, viewer dump, profile) on page shapes the seeds do not show."
from pathlib import Path
import pytest
from paperlens.parse import parse_file, read_text, unaccounted, split_name, split_authors
from paperlens.records import NOTE_KINDS

PAGES = Path(__file__).parent/'fixtures'/'unseen'/'pages'

def parse(name):
    "Parse a fixture and check the invariants every parser keeps"
    f = PAGES/name
    p = parse_file(f)
    assert unaccounted(p, read_text(f)[0]) == []   # every non-blank line is in a record or a note
    assert all(n['kind'] in NOTE_KINDS and n['file'] == str(f) for n in p.notes)
    assert all(r['source_file'] == str(f) and r['source_format'] == p.fmt for r in p.records)
    assert p.seen == len(p.records) + sum(n['kind'] == 'rejected' for n in p.notes)
    spans = [r['source_lines'] for r in p.records]
    assert all(a <= b for a, b in spans) and all(x[1] < y[0] for x, y in zip(spans, spans[1:]))
    return p

def notes(p): return [(n['kind'], n['line'], n['last_line']) for n in p.notes]

# --- abstract list: wrapped lines join by what they look like, page chrome is noise -------------------------
def test_abstract_list_wrapped_and_footer():
    p = parse('abstract_list_wrapped_footer.txt')
    assert p.fmt == 'abstract-list'
    assert [(r['abstract'], r['source_lines']) for r in p.records] == [
        ('We study the effect of the 1846 repeal of the Corn Laws on British agricultural wages.\n'
         'Using parish records, we find that wages rose in grain-exporting counties.', [1, 2]),   # capitalised prose after a full stop continues
        ('Trade and the Hanseatic League: a quantitative reassessment (1350-1500).', [3, 3]),
        ('The Gold Standard and the Great Depression: Eichengreen revisited', [4, 4]),           # the footer is not glued on
        ('Bank runs in the Panic of 1907 spread along correspondent networks\n'
         'between country banks and New York trust companies.', [7, 8]),
        ('Real wages of London building craftsmen, 1264-1954.', [10, 10])]
    assert notes(p) == [('noise', 5, 5), ('noise', 9, 9), ('noise', 11, 11)]
    assert [n['text'] for n in p.notes] == ['Page 2 of 2', 'Download PDF', 'Revised 12 March 2021']

# --- viewer dump: any id / text column names ----------------------------------------------------------------
def test_viewer_doc_id_text_columns():
    p = parse('viewer_doc_id_text.txt')
    assert p.fmt == 'viewer-dump'
    assert [(r['source_key'], r['abstract'], r['source_lines']) for r in p.records] == [
        ('PMC1001', 'Background: Aspirin reduces the risk of colorectal cancer. Methods: We pooled four randomised trials\n'
                    'with 14,033 participants.', [12, 16]),
        ('PMC1002', 'Hypertension prevalence in sub-Saharan Africa: a systematic review of 33 studies.', [17, 20])]
    assert notes(p) == [('header', 1, 1), ('header', 2, 11), ('rejected', 21, 24), ('rejected', 25, 28), ('trailer', 29, 32)]
    assert 'no title, abstract, DOI or arXiv id (columns: doc_id, text)' in p.notes[2]['reason']
    assert p.notes[3]['text'] == 'PMC1004 | Incomplete row that is cut\nat the end of the page'   # the partial abstract is kept
    assert 'cut short' in p.notes[3]['reason']

def test_viewer_unnamed_columns_by_content():
    p = parse('viewer_unnamed_columns.txt')
    assert [(r['source_key'], r['doi'], r['abstract'][:30], r['source_lines']) for r in p.records] == [
        ('10.1086/261763', '10.1086/261763', 'We estimate the demand for mon', [14, 20]),
        ('10.2307/2117383', '10.2307/2117383', 'Grain prices in early modern E', [21, 26]),
        ('hist-0042', None, 'Mortality crises in seventeent', [27, 32])]
    assert p.records[0]['abstract'].endswith('interwar years\nand find it stable once bank failures are allowed for.')
    assert notes(p) == [('header', 1, 1), ('header', 2, 13), ('trailer', 33, 34)]
    assert p.notes[1]['reason'] == ('viewer column header: ref, passage, label; `ref` read as the id; '
                                    '`passage` read as the abstract (the long-text column)')

def test_viewer_author_styles():
    p = parse('viewer_author_styles.txt')
    assert [r['source_lines'] for r in p.records] == [[11, 18], [19, 26], [27, 34], [35, 42]]
    au = [[(a['family'], a['given']) for a in r['authors']] for r in p.records]
    assert au == [[('van der Berg', 'AB'), ('Smith', 'JA'), ('de la Cruz', 'M.')],   # PubMed `Family Initials`
                  [('Le Roy Ladurie', 'Emmanuel')],                                  # one person with one comma
                  [('Higgs', 'Peter Ware')],
                  [('Sen', 'A.'), ('Drèze', 'J.')]]                                  # a real list stays a list
    assert notes(p) == [('header', 1, 10)]

# --- profile: particles in family names, text that breaks the rhythm ----------------------------------------
def test_profile_particles_and_rhythm():
    p = parse('profile_historian_particles.txt')
    assert p.fmt == 'profile' and p.owner == 'Van der Linden, Marcel'
    assert [(r['title'], r['source_lines']) for r in p.records] == [
        ('The Dutch East India Company and the Atlantic slave trade', [3, 6]), ('Wages in Renaissance Florence', [8, 10]),
        ('Peasants, Lords and Revolts', [12, 14]), ('Commerce in the Indian Ocean World', [20, 22]),
        ('Labour, Capital, and the State: Europe, 1500-1800', [24, 26])]
    assert p.records[1]['abstract'] == 'A short note on wage series.'   # the next paper is not swallowed
    assert p.records[2]['authors'] == [{'family': 'Hilton', 'given': 'Rodney'}, {'family': 'Le Roy Ladurie', 'given': 'Emmanuel'},
                                       {'family': "d'Alembert", 'given': 'Jean'}]
    assert [a['family'] for a in p.records[3]['authors']] == ['al-Khwarizmi', 'van Dijk', 'von Neumann', 'da Silva', 'di Marco', 'du Bois',
                                                              'le Goff', 'ten Brink']
    assert p.records[0]['abstract'].split('\n')[1] == 'Sources include previously unused notarial archives in Amsterdam.'
    assert notes(p) == [('owner', 1, 1), ('rejected', 16, 18), ('noise', 27, 27)]
    assert p.notes[1]['text'].startswith('The Black Death in Tuscany\nCohn, Samuel K., 1348, Herlihy')
    assert p.seen == 6

# --- the name helpers on their own --------------------------------------------------------------------------
@pytest.mark.parametrize('name, fam, giv', [('van der Berg AB', 'van der Berg', 'AB'), ('Smith JA', 'Smith', 'JA'), ('Li J', 'Li', 'J'),
                                            ('da Silva A.B.', 'da Silva', 'A.B.'), ('Ludwig van der Berg', 'van der Berg', 'Ludwig'),
                                            ('J. K. Galbraith', 'Galbraith', 'J. K.'), ('Braudel, Fernand', 'Braudel', 'Fernand')])
def test_split_name(name, fam, giv):
    assert split_name(name) == {'family': fam, 'given': giv}

@pytest.mark.parametrize('s, n', [('Higgs, Peter Ware', 1), ('Le Roy Ladurie, Emmanuel', 1), ('van Dijk, Anna Maria', 1), ('Smith, J. A.', 1),
                                  ('Smith, J., Doe, A.', 2), ('A. Smith, B. Doe', 2), ('Smith J, Doe A', 2), ('Marc Bloch, Lucien Febvre', 2),
                                  ('Zheng, Chuanyang, Gao, Yihang, Chen, Y', 3)])
def test_split_authors_counts(s, n):
    assert len(split_authors(s)) == n
