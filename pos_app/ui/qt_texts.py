"""Qt's own texts that its bundled Chinese catalogue (``qtbase_zh_CN.qm``) lacks.

Qt renamed a few labels of its file dialog ("Look in:" became "&Look in:") and the zh_CN
catalogue in the PySide6 wheel still has only the old ones, so the CSV export and key-import
dialogs showed English. Listed here under Qt's own context, lupdate puts them into our ``.ts``;
our catalogue is installed after Qt's, so these translations are found first. Nothing needs to
import this module: translations are looked up by context and text.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

QT_TEXTS_MISSING_IN_ZH: tuple[object, ...] = (  # QT_TRANSLATE_NOOP is typed as object
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)
