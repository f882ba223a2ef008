"""Entry script for the PyInstaller build: the ``pos-app`` command (GUI by default).

Not ``pos_app/__main__.py``: PyInstaller puts the entry script's folder on the module search
path, and ``pos_app/secrets`` there would shadow the standard library's ``secrets``.
"""

import multiprocessing

from pos_app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
