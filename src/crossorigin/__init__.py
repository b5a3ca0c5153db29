"""django-crossorigin: CORS for Django, compiled once, checked at start-up, explainable."""

__version__ = "0.1.0"
