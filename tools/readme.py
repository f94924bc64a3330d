"""Write README.md from nbs/index.ipynb, as `nbdev_readme` would without Quarto (which cannot be installed everywhere).

Markdown cells are copied, code cells become ```python blocks, cells flagged `#| hide` are left out; outputs are not
copied. `python tools/readme.py --check` exits 1 when README.md differs from what the notebook gives.
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def readme_text(nb_path=ROOT/'nbs'/'index.ipynb'):
    "The README text of the notebook at `nb_path`"
    parts = []
    for cell in json.loads(Path(nb_path).read_text())['cells']:
        src = ''.join(cell['source']).strip()
        if not src or src.startswith('#| hide'): continue
        parts.append(src if cell['cell_type'] == 'markdown' else f'```python\n{src}\n```')
    return '\n\n'.join(parts) + '\n'

def main(args):
    text, readme = readme_text(), ROOT/'README.md'
    if '--check' not in args:
        readme.write_text(text)
        return 0
    if readme.read_text() == text: return 0
    print('README.md differs from nbs/index.ipynb: run `python tools/readme.py` and commit README.md', file=sys.stderr)
    return 1

if __name__ == '__main__': sys.exit(main(sys.argv[1:]))
