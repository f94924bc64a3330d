"""Deployment check on real recordings: train on FSDD, export with `export_waveform_model`, predict in a torch-only process.

Trains `audio_learner(dls, resnet18, pretrained=False)` on the Free Spoken Digit Dataset (official split: file index
0-4 is the test set; log-mel spectrograms at 8 kHz, one-second clips), exports it as one TorchScript module (waveform in,
probabilities out), then starts a fresh Python process that imports only torch and numpy (it reads the WAV files with
the standard library's `wave`), fits each test clip to the exported length as validation does (centre crop, zeros after
shorter clips) and predicts the test split there. `--format onnx` does the same with an ONNX file and onnxruntime.
Usage: python bench/fsdd_export.py [PATH] [--epochs N] [--format torchscript|onnx]
Prints one JSON object: the learner's test accuracy, the exported model's, how many test predictions agree, the largest
difference between their probabilities, timings and the machine.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
from common import machine, data_pos, check_dir
from fastai_audio.all import *

# Runs in the fresh process: no fastai, no fastai_audio
CHILD = r'''
import json, sys, wave
import numpy as np
model, files, fmt = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
if fmt == 'torchscript':
    import torch
    extra = {'fastai_audio.json': ''}
    m = torch.jit.load(model, _extra_files=extra)
    cfg = json.loads(extra['fastai_audio.json'])
    def predict(x):
        with torch.no_grad(): return m(torch.from_numpy(x)).numpy()
else:
    import onnxruntime as ort
    sess = ort.InferenceSession(model)
    cfg = json.loads(sess.get_modelmeta().custom_metadata_map['fastai_audio'])
    def predict(x): return sess.run(None, {'waveform': x})[0]

def load(fn):
    "16-bit PCM WAV at the model's rate, fitted to its length as validation did (centre crop, zeros after the clip)"
    with wave.open(fn) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (cfg['sr'], 2, cfg['n_channels']), fn
        x = np.frombuffer(w.readframes(w.getnframes()), '<i2').astype(np.float32) / 32768
    n = cfg['n_samples']
    assert (cfg['crop'], cfg['pad']) == ('center', 'zeros'), cfg
    if len(x) > n: x = x[(len(x) - n) // 2:][:n]
    return np.pad(x, (0, n - len(x)))[None]

probs = np.concatenate([predict(np.stack([load(f) for f in files[i:i + 64]])) for i in range(0, len(files), 64)])
print(json.dumps({'probs': probs.tolist(), 'vocab': cfg['vocab'],
                  'imported': sorted({k.split('.')[0] for k in sys.modules if k.split('.')[0] in ('fastai', 'fastcore', 'fastai_audio')})}))
'''

def fsdd_dls(path, bs=64):
    "Log-mel DataLoaders over FSDD at 8 kHz, label = the digit in the file name, official split"
    return DataBlock(blocks=(AudioBlock(sr=8000, duration=1.), CategoryBlock), get_items=get_audio_files,
                     get_y=using_attr(RegexLabeller(r'^(\d+)_'), 'name'),
                     splitter=FuncSplitter(lambda f: int(f.stem.split('_')[-1]) < 5),
                     batch_tfms=[MelSpectrogram(n_fft=512, hop_length=128, n_mels=64), SpecNormalize()]).dataloaders(path, bs=bs, num_workers=0)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_pos(p, 'path', 'data/fsdd/recordings', 'the FSDD recordings folder')
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--lr', type=float, default=1e-2)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--format', default='torchscript', choices=['torchscript', 'onnx'])
    a = p.parse_args()
    path = check_dir(a.path, 'FSDD recordings')
    set_seed(a.seed)
    dls = fsdd_dls(path)
    learn = audio_learner(dls, resnet18, pretrained=False, metrics=accuracy)
    t = time.time()
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(a.epochs, a.lr)
    train_s = time.time() - t
    with learn.no_bar(): probs, targs = learn.get_preds(dl=dls.valid)
    files = [str(f) for f in dls.valid.items]

    with tempfile.TemporaryDirectory() as d:
        model = Path(d)/('fsdd.pt' if a.format == 'torchscript' else 'fsdd.onnx')
        t = time.time()
        export_waveform_model(learn, model, format=a.format)
        export_s = time.time() - t
        (Path(d)/'files.json').write_text(json.dumps(files))
        t = time.time()
        out = subprocess.run([sys.executable, '-c', CHILD, str(model), str(Path(d)/'files.json'), a.format],
                             capture_output=True, text=True, env={**os.environ, 'PYTHONPATH': ''})
        child_s = time.time() - t
        if out.returncode: sys.exit(out.stderr)
        child = json.loads(out.stdout)

    exp_probs = torch.tensor(child['probs'])
    assert child['vocab'] == list(dls.vocab)
    learner_pred, exported_pred = probs.argmax(1), exp_probs.argmax(1)
    print(json.dumps({
        'dataset': 'fsdd', 'split': 'official (index 0-4 test)', 'n_train': len(dls.train_ds), 'n_test': len(files),
        'arch': 'resnet18', 'pretrained': False, 'epochs': a.epochs, 'format': a.format,
        'learner_accuracy': round(float((learner_pred == targs).float().mean()), 4),
        'exported_accuracy': round(float((exported_pred == targs).float().mean()), 4),
        'exported_run_in': 'fresh process with ' + ('torch and numpy only' if a.format == 'torchscript' else 'onnxruntime and numpy only'),
        'predictions_agreeing': int((learner_pred == exported_pred).sum()),
        'max_abs_probability_difference': float((exp_probs - probs).abs().max()),
        'fastai_modules_in_child_process': child['imported'],
        'seconds': {'train': round(train_s, 1), 'export': round(export_s, 1), 'child_load_and_predict': round(child_s, 1)},
        'machine': dict(machine(), note='shared machine, measured under load; timings are single runs, not benchmarks')}))

if __name__ == '__main__': main()
