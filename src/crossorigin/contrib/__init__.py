"""Optional add-ons to django-crossorigin, each an app of its own."""
