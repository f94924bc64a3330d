"""Run the notebooks' tests against the installed `fastai_audio`, in an environment without nbdev.

The development environment runs the notebooks with `nbdev_test`, which needs nbdev 2 and so fastcore<2.
Users install the newest fastai and fastcore, where nbdev 2 cannot be installed. This runner executes the
same notebook cells there, in order, with plain Python: cells flagged `#| eval: false` or with a test flag
that is not enabled (`cuda` without a GPU, `download` always: no network in CI) are skipped (as `nbdev_test` does), and the nbdev import is replaced by a `show_doc` that
renders nothing, because rendering docs is nbdev's job, not the library's.
"""
import json, os, re, shutil, sys, tempfile, types
# The tests compare predictions made two ways (batched and one by one, exported and live, CPU and GPU) to 1e-5. On an
# H200 they differed by up to 1e-3, the size of TF32 rounding, in which PyTorch runs float32 convolutions on NVIDIA GPUs
# by default: the tests run in full float32 there, subprocesses too (the variable turns TF32 off in cuDNN and cuBLAS)
os.environ.setdefault('NVIDIA_TF32_OVERRIDE', '0')
from pathlib import Path
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import pytest, torch

NBS = Path(__file__).parent.parent/'nbs'
FLAGS = {'slow'} | ({'cuda'} if torch.cuda.is_available() else set())
_directive = re.compile(r'^\s*#\s*\|\s*(.*?)\s*$')
_nbdev_import = re.compile(r'^\s*(from\s+nbdev\b.*|import\s+nbdev\b.*)$', re.MULTILINE)

def directives(src):
    "The `#| ...` lines at the top of a cell's source"
    out = []
    for line in src.splitlines():
        m = _directive.match(line)
        if not m: break
        out.append(m[1])
    return out

def should_run(src):
    for d in directives(src):
        words = d.replace(':', ' ').split()
        if words[:2] == ['eval', 'false']: return False
        if len(words) == 1 and words[0] not in FLAGS and words[0] in {'slow', 'cuda', 'download'}: return False
    return True

def code_cells(nb_path):
    nb = json.loads(nb_path.read_text())
    for i, c in enumerate(nb['cells']):
        if c['cell_type'] == 'code': yield i, ''.join(c['source'])

@pytest.mark.parametrize('nb_path', sorted(NBS.glob('[!_.]*.ipynb')), ids=lambda p: p.name)
def test_notebook(nb_path, monkeypatch):
    monkeypatch.chdir(NBS)   # notebooks run from their folder, as in nbdev_test
    # every temporary file a notebook makes (its data, exported models, CLI runs in subprocesses) goes in one folder
    # that is removed after it: left in /tmp they add up to gigabytes per run and once filled CI's disk. It is open to
    # all like /tmp (mode 1777): 11_reliability runs some checks as the unprivileged user `nobody`
    scratch = tempfile.mkdtemp(prefix=f'fastai_audio_test.{nb_path.stem}.')
    os.chmod(scratch, 0o1777)
    monkeypatch.setenv('TMPDIR', scratch)
    monkeypatch.setattr(tempfile, 'tempdir', scratch)
    # torch's compiler keeps its cache under the temporary folder it first sees, and writes its path into the environment
    monkeypatch.setenv('TORCHINDUCTOR_CACHE_DIR', os.path.join(scratch, 'torchinductor'))
    # cells run in a fresh `__main__` module, as in a kernel, so classes they define can be pickled
    main = types.ModuleType('__main__')
    monkeypatch.setitem(sys.modules, '__main__', main)
    ns = main.__dict__
    ns['show_doc'] = lambda *args, **kwargs: None
    try:
        for i, src in code_cells(nb_path):
            if not should_run(src): continue
            src = _nbdev_import.sub('pass', src)
            try: exec(compile(src, f'{nb_path.name}[cell {i}]', 'exec'), ns)
            except Exception as e:
                raise AssertionError(f'{nb_path.name}, cell {i} failed: {type(e).__name__}: {e}\n--- cell source ---\n{src}') from e
    finally:
        plt.close('all')
        shutil.rmtree(scratch, ignore_errors=True)
