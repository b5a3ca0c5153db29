"""django-crossorigin: CORS for Django, compiled once, checked at start-up, explainable."""

__version__ = "1.0.0"
