"""Benchmarks of django-crossorigin against django-cors-headers (``make bench``)."""
