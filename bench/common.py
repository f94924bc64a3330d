"""What every benchmark reports besides its numbers: the machine, and the shared data folders it reads."""
import argparse, os, platform, re, sys
from pathlib import Path
import numpy as np, torch

SHARED = Path(__file__).resolve().parent.parent.parent/'shared'

def machine():
    "Cores, torch threads, Python and torch versions, and the GPU if there is one"
    return {'cpus': os.cpu_count(), 'torch_threads': torch.get_num_threads(), 'python': platform.python_version(),
            'torch': torch.__version__, 'gpu': torch.cuda.get_device_name() if torch.cuda.is_available() else None}

def rss_mib():
    "Resident set size of this process, MiB (Linux)"
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024

def data_arg(p: argparse.ArgumentParser, name, default_rel, help):
    "Add a path argument `--name` defaulting to `../shared/<default_rel>` beside the repository"
    p.add_argument(f'--{name}', type=Path, default=SHARED/default_rel, help=f'{help} (default: {SHARED/default_rel})')

def check_dir(path, what):
    "Exit with a one-line error if the data folder `path` is missing"
    if not Path(path).is_dir():
        sys.exit(f'{what} not found at {path}: pass its folder (see --help)')
    return Path(path)

def data_pos(p: argparse.ArgumentParser, name, default_rel, help):
    "Add an optional positional path argument `name` defaulting to `../shared/<default_rel>` beside the repository"
    p.add_argument(name, nargs='?', type=Path, default=SHARED/default_rel, help=f'{help} (default: {SHARED/default_rel})')
