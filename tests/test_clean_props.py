"Property-based tests for `paperlens.clean.repair`: idempotent, never loses words, never changes text silently"
import re
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
