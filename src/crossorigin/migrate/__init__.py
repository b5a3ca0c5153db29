"""``crossorigin-migrate``: rewrite a project's references to django-cors-headers and django-dcors.

``files`` finds the Python files, ``names`` maps old dotted names to ours,
``transformers`` are the LibCST rewrites, ``report`` lists what cannot be rewritten
safely, ``requirements`` finds dependency lines, ``rewrite`` runs them over one file and
``cli`` is the command. Nothing on the request path imports this package.
"""
