"""Run a script with django-cors-headers and django-dcors made unimportable.

``python block_incumbents.py manage.py test``: any attempt to import ``corsheaders`` or
``dcors`` raises ImportError and is printed to stderr, so a migrated project that still
reaches for the old package fails loudly even where it catches the ImportError.
"""

import importlib.abc
import os
import runpy
import sys

BLOCKED = ("corsheaders", "dcors")
MARK = "BLOCKED IMPORT:"


class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] not in BLOCKED:
            return  # let the other finders look
        print(MARK, fullname, file=sys.stderr)
        raise ImportError(f"{fullname} is blocked: the migrated project must not import it")


sys.meta_path.insert(0, Blocker())
script = sys.argv[1]
sys.argv = sys.argv[1:]
# As `python manage.py` would: the script's folder comes first on the path.
sys.path[0] = os.path.dirname(os.path.abspath(script))
runpy.run_path(script, run_name="__main__")
