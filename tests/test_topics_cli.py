"""`paperlens topics` end to end on a 2007 arXiv-style corpus in the arXiv metadata snapshot's JSON Lines shape (`.json`).

Built by `benchmarks/bench_topics_arxiv2000.py` from the real records of `../shared/data/topics/arxiv_2007_dev.jsonl`
(half real, half recombined within a category), with real LaTeX such as `6%/\\sqrt(E{\\gamma} [GeV])`. The full
2,000-record run is the benchmark; here 300 records with the fast static model.
"""
import json, os, subprocess, sys
from pathlib import Path
import pandas as pd, pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'benchmarks'))
from bench_topics_arxiv2000 import build, score, SRC

pytestmark = pytest.mark.skipif(not SRC.exists(), reason=f"{SRC} is not here")

def test_topics_command_on_arxiv_snapshot(tmp_path):
    corpus = build(tmp_path/'arxiv_2007_300.json', 300)
    lines = corpus.read_text(encoding='utf-8').splitlines()
    assert len(lines) == 300 and any('6%/\\\\sqrt(E{\\\\gamma}' in l for l in lines)
    out = tmp_path/'topics'
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'PYTHONHASHSEED': '0'}
    p = subprocess.run([str(ROOT/'.venv'/'bin'/'paperlens'), 'topics', str(corpus), '--out', str(out), '--model', 'static',
                        '--cache-dir', str(tmp_path/'cache'), '--quiet'], capture_output=True, text=True, env=env, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    assert 'Traceback' not in p.stderr
    info = pd.read_csv(out/'topic_info.csv')
    assert list(info.columns[:5]) == ['topic', 'name', 'count', 'words', 'representative_ids'] and 'npmi' in info
    a = pd.read_parquet(out/'topics.parquet')
    assert len(a) == 300 and info['count'].sum() == 300 and (a.topic >= 0).all()
    assert a.id.str.contains('0704.1830').any()                     # the LaTeX record was read, not dropped
    s = score(corpus, out)
    assert s['matched'] == 300 and 3 <= s['topics'] <= 40
    assert s['ari'] > 0.2 and s['v'] > 0.3                            # far from chance (0): the map follows the arXiv categories
    assert info.name.is_unique and not info.name.str.contains('·').any()
