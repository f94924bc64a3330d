"""What the batch spectrogram front end costs next to the model: clips/s of the front end and its share of a resnet18 training step.

For each batch size (64 and 256 by default) of five-second 16-kHz clips, on the chosen device:
  - `frontend`: `MelSpectrogram(n_fft=1024, hop_length=256, n_mels=64)` then `MaskFreq`, `MaskTime`, `SpecNormalize`,
    as in a training batch;
  - `step`: one training step of a 1-channel resnet18 (torchvision, first conv fitted with `adapt_first_conv`) on that
    spectrogram batch: forward, cross-entropy, backward, SGD update;
  - `frontend_share` = frontend / (frontend + step), the part of the time a training loop spends in the front end.
Medians of `--repeats` interleaved runs after a warm-up. With CUDA, also the largest log-mel difference (dB) between the
GPU and the CPU on the same clips (the aim: within 1e-4 dB). Prints one JSON object.

    python bench/frontend_share.py [--device cpu|cuda] [--bs 64,256] [--repeats 5] [--amp]
"""
import argparse, json, statistics, time
import torch, torch.nn.functional as F
from torchvision.models import resnet18
from fastai_audio.core import AudioTensor
from fastai_audio.learner import adapt_first_conv
from fastai_audio.spectrogram import MelSpectrogram, MaskFreq, MaskTime, SpecNormalize

# the machine description of bench/common.py, the clips and settings of bench/spectrogram.py (this folder is on the
# path when the script runs)
from common import machine
from spectrogram import clips as _clips, SR, SECONDS, N_FFT, HOP, N_MELS
N_CLASSES = 10

def clips(n, seed=0):
    "`n` clips of bench/spectrogram.py, as a (n, 1, N) batch"
    return _clips(n, seed)[:, None]

def frontend_tfms():
    return [MelSpectrogram(n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS), MaskFreq(max_width=8), MaskTime(max_width=10), SpecNormalize()]

def apply(tfms, x):
    for t in tfms: x = t(x, split_idx=0)   # the training split: the masks are drawn
    return x

def model_and_opt(device):
    m = resnet18(num_classes=N_CLASSES)
    adapt_first_conv(m, 1, pretrained=False)
    m = m.to(device).train()
    return m, torch.optim.SGD(m.parameters(), lr=1e-3, momentum=.9)

def train_step(m, opt, xb, yb, amp):
    with torch.autocast(xb.device.type, dtype=torch.bfloat16, enabled=amp):
        loss = F.cross_entropy(m(xb), yb)
    loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)

def gpu_cpu_parity(n=8):
    "Largest |log-mel(GPU) - log-mel(CPU)| in dB on the same `n` clips"
    x = AudioTensor(clips(n, seed=1), sr=SR)
    mel = MelSpectrogram(n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)
    return float((mel(x.cuda()).cpu() - mel(x)).abs().max())

def main(device='cpu', bs='64,256', repeats=5, amp=False):
    dev = torch.device(device)
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
    m, opt = model_and_opt(dev)
    tfms = frontend_tfms()
    res = {'task': dict(seconds=SECONDS, sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, model='resnet18 (1 channel, from scratch)',
                        amp_bf16=amp, repeats=repeats, statistic='median'), 'by_batch_size': {}}
    for b in (int(s) for s in bs.split(',')):
        xb = AudioTensor(clips(b).to(dev), sr=SR)
        yb = torch.randint(N_CLASSES, (b,), device=dev)
        spec = apply(tfms, xb).as_subclass(torch.Tensor)
        apply(tfms, xb); train_step(m, opt, spec, yb, amp); sync()   # warm-up
        t_front, t_step = [], []
        for _ in range(repeats):
            t = time.perf_counter(); apply(tfms, xb); sync(); t_front.append(time.perf_counter() - t)
            t = time.perf_counter(); train_step(m, opt, spec, yb, amp); sync(); t_step.append(time.perf_counter() - t)
        f, s = statistics.median(t_front), statistics.median(t_step)
        res['by_batch_size'][b] = dict(frontend_clips_per_s=round(b / f, 1), frontend_ms=round(f * 1e3, 2),
                                       train_step_ms=round(s * 1e3, 2), frontend_share=round(f / (f + s), 4))
    if dev.type == 'cuda': res['gpu_vs_cpu_max_abs_diff_db'] = gpu_cpu_parity()
    res['machine'] = dict(machine(), device=torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu')
    print(json.dumps(res, indent=1))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--bs', default='64,256', help='comma-separated batch sizes')
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--amp', action='store_true', help='train the model under bfloat16 autocast (the front end stays float32)')
    main(**vars(p.parse_args()))
