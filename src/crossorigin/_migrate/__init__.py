"""``crossorigin-migrate``: rewrite a project's references to django-cors-headers and django-dcors.

``files`` finds the files (regular files only) and writes them atomically,
``settings_modules`` decides which modules are settings, ``names`` maps old dotted names
to ours, ``transformers`` are the LibCST rewrites, ``report`` lists what cannot be
rewritten safely, ``requirements`` and ``config_keys`` read dependency and configuration
files, ``rewrite`` runs it all over one file, ``revert`` is the way back, ``command`` is
the command and ``cli`` its entry point, which imports no LibCST (the ``migrate`` extra).
Nothing on the request path imports this package.
"""
