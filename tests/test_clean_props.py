"Property-based tests for `paperlens.clean.repair`: idempotent, never loses words, never changes text silently"
import re
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from paperlens.records import new_record
from paperlens.clean import repair

# Pieces of real-looking abstract text, damaged and clean, that the repairs act on
_PLAIN = ['we', 'introduce', 'a', 'model', 'LLaMA-13B', 'GPT-3', '(175B)', 'retrieval', 'learningsparserepresentations',
          'theskillexhibited', 'pretraining', 'repre-', 'sentation', 'pre-', 'and', 'post-training', 'community111https://github.com/x/llama.',
          'athttps://aka.ms/x', '(QA)', ',', '.', ';', '13', '%', 'less', 'thank', 'training', 'steps', 'nearlylanguages',
          'CO2', 'v1.5', '$20', '$300,000', '($28,400vs.$320,000)', 'models¹', 'e.g.,', 'x', '<', 'y']
_MARKUP = ['$\\times$', '16$\\times$3.8B', '$x \\cdot softmax(x)$', '25\\%', '{\\"o}', '\\emph{new}', '&amp;', '&lt;', '&amp;lt;',
           '<i>k</i>', '{BERT}', '$\\frac{a+b}{c}$', '$k$-NN', '\\foo{bar}', '$$', '\\']
_SEP = st.sampled_from([' ', ' ', ' ', '', '\n', '  ', '\t'])

def _texts(pieces):
    word = st.sampled_from(pieces) | st.text(alphabet='abcdefghijklmnopqrstuvwxyzABC0123456789-', min_size=1, max_size=14)
    return st.lists(st.tuples(word, _SEP), max_size=40).map(lambda xs: ''.join(w + s for w, s in xs))

plain = _texts(_PLAIN)
marked = _texts(_PLAIN + _MARKUP)
anything = st.text(max_size=200)

def _rec(title, abstract): return new_record(title=title, abstract=abstract, arxiv_id='2401.00165')
_cfg = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

@_cfg
@given(plain, plain)
def test_idempotent_plain(t, a):
    once = repair(_rec(t, a))
    assert repair(once) == once

@_cfg
@given(marked, marked)
def test_idempotent_markup(t, a):
    once = repair(_rec(t, a))
    assert repair(once) == once

@_cfg
@given(anything, anything)
def test_never_crashes_and_idempotent_on_any_text(t, a):
    once = repair(_rec(t, a))
    assert repair(once) == once

_letters = lambda s: re.sub(r'[^A-Za-z]', '', s or '')

@_cfg
@given(plain)
def test_never_loses_words(a):
    "Without markup to decode, every letter survives in order: repairs only re-space, split or join"
    out = repair(_rec(None, a))
    assert _letters(out['abstract']) == _letters(a)

@_cfg
@given(marked, marked)
def test_changes_are_logged(t, a):
    out = repair(_rec(t, a))
    for f, before in (('title', t), ('abstract', a)):
        if out[f] != before: assert any(r['field'] == f for r in out['repairs']), (f, before, out[f])
    for r in out['repairs']:
        assert set(r) == {'field', 'kind', 'before', 'after'}
        assert r['before'] != r['after']

@_cfg
@given(marked)
def test_words_of_plain_parts_survive_markup(a):
    "Words outside markup are still there after the LaTeX/HTML repairs (spaces may move)"
    out = repair(_rec(None, a))['abstract'] or ''
    flat = re.sub(r'\s', '', out)
    for w in re.findall(r'(?<![\\&<{/$])\b[A-Za-z]{3,}\b(?![}$;>])', re.sub(r'\$[^$]*\$|\\[a-z]+|&[a-z]+;|<[^>]*>', ' ', a)):
        assert w in flat, (w, a, out)

# ---------------------------------------------------------------------------------------------------------------------
# Generated LaTeX and HTML: no repair ever raises, a failure is a flag, the record survives (issue 15.1 / 15.6)
from paperlens.clean import repair_all, split_glued, fix_latex, fix_html, corpus_words, ARXIV_DOI, DERIVED

_MACROS = ['\\sqrt', '\\gamma', '\\frac', '\\slash', '\\textsuperscript', '\\emph', '\\mathrm', '\\left(', '\\right)', '\\%', '\\&',
           '\\_', '\\\\', '\\"', "\\'", '\\~', '\\^', '\\unknownmacro', '\\begin{equation}', '\\end{equation}', '\\cite{x}', '\\textbackslash{}']
_LATEX_BITS = _MACROS + ['$', '$$', '{', '}', '[', ']', '(', ')', '%', '^', '_', '&', '#', '~', 'E', 'GeV', '6', '/', ' ', 'x', '{\\gamma}']
_HTML_BITS = ['<sup>', '</sup>', '<sub>', '</sub>', '<inf>', '</inf>', '<i>', '</i>', '<jats:p>', '</jats:p>', '<b>', '&amp;', '&lt;', '&#x2013;',
              '&amp;lt;', '&nbsp;', '&bogus;', '<', '>', '18', '-3', 'a+b', 'CO', '2', ' ', 'text']
latexy = st.lists(st.sampled_from(_LATEX_BITS), max_size=30).map(''.join)
htmly = st.lists(st.sampled_from(_HTML_BITS), max_size=30).map(''.join)
mixed = st.lists(st.sampled_from(_LATEX_BITS + _HTML_BITS + _PLAIN), max_size=40).map(' '.join)

@_cfg
@given(latexy, htmly)
def test_generated_markup_never_raises(t, a):
    out = repair(new_record(title=t, abstract=a, venue=t, authors=[{'family': t, 'given': a}], keywords=[a, t]))
    assert isinstance(out, dict) and set(out) >= {'title', 'abstract', 'flags', 'repairs', 'id'}
    assert not any(f.startswith('repair-failed') for f in out['flags']), out['flags']   # failures are caught where they happen
    for f in ('title', 'abstract'): assert out[f] is None or isinstance(out[f], str)

@_cfg
@given(mixed)
def test_generated_markup_idempotent(t):
    once = repair(new_record(title=t, abstract=t))
    assert repair(once) == once

@_cfg
@given(latexy)
def test_fix_latex_alone_never_raises(t):
    text, changes, flags = fix_latex(t)
    assert isinstance(text, str)

@_cfg
@given(htmly)
def test_fix_html_keeps_text(t):
    "Sub/superscripts never fuse digits silently: `10<sup>18</sup>` is never `1018`"
    text, _ = fix_html(t)
    assert '1018' not in text or '1018' in t.replace('<sup>', '').replace('</sup>', '') and '10<sup>18' not in t

def test_issue_cases():
    r = repair(new_record(title='Energy resolution of 6%/\\sqrt(E{\\gamma} [GeV]) at 1 GeV', abstract='We measure it.'))
    assert any(f.startswith('latex-failed') for f in r['flags']) and r['title'].startswith('Energy resolution of 6%/')
    assert repair(new_record(title='GaN$\\slash$AlGaN heterostructures'))['title'] == 'GaN/AlGaN heterostructures'
    assert repair(new_record(title='n = 10<sup>18</sup> cm<sup>-3</sup>'))['title'] == 'n = 10¹⁸ cm⁻³'
    assert repair(new_record(title='x', doi='10.1103/PhysRevB.64.\\_125'))['doi'] == '10.1103/physrevb.64._125'
    r = repair(new_record(title='x', doi='10/ccgb29', url='http://dx.doi.org/10.1007/978-3-642-15825-4_10'))
    assert r['doi'] == '10.1007/978-3-642-15825-4_10'

@pytest.mark.parametrize('word', ['microperoxidase', 'rhinoconjunctivitis', 'quasiclassical', 'envisionment', 'electroretinogram',
                                  'thermoluminescence', 'photoisomerization', 'immunohistochemistry', 'nonequilibrium', 'superconductivity'])
def test_words_of_the_field_never_split(word):
    for text in (word, f'the {word} of', f'{word}s were'):
        assert split_glued(text)[1] == [], (text, split_glued(text))

def test_corpus_protects_its_words():
    recs = [new_record(title='Kinetics of cytochromeoxidase'), new_record(abstract='cytochromeoxidase binds oxygen')]
    assert 'cytochromeoxidase' in corpus_words(recs)
    assert [r['title'] for r in repair_all(recs)][0] == 'Kinetics of cytochromeoxidase'

@_cfg
@given(st.integers(8, 29), st.integers(1, 12), st.integers(1, 99999), st.sampled_from(['', 'v1', 'v3']))
def test_arxiv_derived_fields(yy, mm, n, v):
    aid = f'{yy:02d}{mm:02d}.{n:05d}'
    r = repair(new_record(title='t', arxiv_id=aid + v))
    assert (r['year'], r['month']) == (2000 + yy, mm) and r['doi'] == ARXIV_DOI + aid
    assert [e for e in r['repairs'] if e['kind'] == DERIVED] == [dict(field='doi', kind=DERIVED, before=None, after=ARXIV_DOI + aid)]
    assert repair(r) == r

_percent = st.lists(st.sampled_from(['6%', '%', '1%/\\sqrt{E}', '$6%/\\sqrt(E{\\gamma} [GeV])$', '\\emph{6% of}', '25\\%', 'energy',
                                     'resolution', 'constant', 'term', 'of', 'found']), min_size=1, max_size=25).map(' '.join)

@_cfg
@given(_percent)
def test_percent_sign_never_drops_text(a):
    "A bare `%` is a percent sign, not a LaTeX comment: every word after it survives (issue: `6%/\\sqrt(...)` cut the abstract)"
    r = repair(_rec('t', a + ' tailword'))
    assert r['abstract'].endswith('tailword'), (a, r['abstract'])
    for w in ('energy', 'resolution', 'constant', 'term', 'found'): assert r['abstract'].count(w) == a.count(w), (a, r['abstract'])
    assert r['abstract'].count('%') == a.count('%'), (a, r['abstract'])   # \% and % alike become one percent sign

# The shortcuts of `_repair_text` (a text or name without any repair's trigger is returned as it is, uncached) must give what the
# full repairs give: same text, nothing logged, nothing flagged
from paperlens import clean as _C

def _full(text, kinds):
    out, log, flags = _C._repair_cached(text, tuple(kinds), 'title', _C.GLUE_MIN_LEN, frozenset())
    return out, list(log), list(flags)

@_cfg
@given(marked | anything | _texts(_PLAIN + _MARKUP + ['¹', 'http://x.org', 'a- b', '  ', '\u00a0', ' ,', '( ', 'abcdefghijklmno', '\u2009']))
def test_shortcuts_agree(t):
    for kinds in (_C.TEXT_REPAIRS, _C.MARKUP_REPAIRS):
        log, flags = [], []
        assert (_C._repair_text(t, kinds, 'title', log, flags), [(e['field'], e['kind'], e['before'], e['after']) for e in log], flags) == _full(t, kinds)

def test_shortcut_triggers():
    "each repair's own trigger is seen by the title shortcut (a text it would skip is one no repair changes)"
    hint = _C._text_hint(_C.GLUE_MIN_LEN)
    for t in ['a &amp; b', 'a <i>b</i>', 'a $x$', 'a \\emph{b}', 'word¹ here', 'see2https://x.org', 'repre- sentation',
              'learningsparserepresentations', 'a  b', 'a\tb', ' a', 'a ', 'a , b', '( a)', 'a\u00a0b']:
        assert hint.search(t) and not _C._untouched(t, _C.GLUE_MIN_LEN) and not _C._untouched(t + ' é', _C.GLUE_MIN_LEN), t
    for t in ['Attention Is All You Need (2017)', 'Modèles de langue']:
        assert not hint.search(t) and _C._untouched(t, _C.GLUE_MIN_LEN)
