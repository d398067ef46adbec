"""Output folders of the generators: each writes only under Fixtures/<name>/, emptied first."""
import pathlib
import shutil
import warnings


def fresh(root, name):
    """Fixtures/<name>/, removed and created again; library warnings (deprecations) silenced while generating."""
    out = pathlib.Path(root) / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    warnings.filterwarnings('ignore')
    return out
