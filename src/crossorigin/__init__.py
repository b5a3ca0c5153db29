"""django-crossorigin: CORS for Django, compiled once, checked at start-up, explainable."""

# A development version until the release is made (docs/releasing.md): the docs and the
# changelog say "not on PyPI yet" for as long as it ends in .devN (tests/test_release.py).
__version__ = "1.0.0.dev0"

# Before anything else: where the regex engine is missing, say so in one line at start-up.
from crossorigin._core.platform_check import require_re2

require_re2()
