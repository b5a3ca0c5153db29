"""How the explanation names settings and policies, in the words of the settings.

Steps, hints and the policy source all point the reader at something to change:
``CORS_URL_POLICIES[2]``, ``'allow_headers' in CORS_URL_POLICIES[0]``, ``@cors_policy
on app.views.items``, a regex written as ``r'...'``. Naming them in one place keeps
that wording the same everywhere it appears and matching what the settings say.
"""

from __future__ import annotations

from crossorigin.registry import PolicySet, ViewOverrides


def describe_policy(policies: PolicySet, path: str, view: ViewOverrides | None) -> str:
    """Where the policy for a request comes from, in the words of the settings."""
    index, _policy, _enabled = policies.url_policy(path)
    base = "the global CORS_* settings" if index < 0 else url_policy_name(policies, index)
    if view is None:
        return base
    if view.exempt:
        return f"@cors_exempt on {view.name}"
    return f"@cors_policy on {view.name}, over {base}"


def raw(pattern: str) -> str:
    """A regex as it is written in settings: r'...' (repr would double every backslash)."""
    return f"r'{pattern}'" if "'" not in pattern and not pattern.endswith("\\") else repr(pattern)


def url_policy_name(policies: PolicySet, index: int) -> str:
    return f"CORS_URL_POLICIES[{index}] (path regex {raw(policies.url_policies[index][0].pattern)})"


def setting_name(policies: PolicySet, path: str, view: ViewOverrides | None, key: str) -> str:
    """How to name one option of the policy that applies, for a hint ('CORS_ALLOW_HEADERS'...)."""
    if view is not None:
        return f"{key}= in @cors_policy on {view.name}"
    index, _policy, _enabled = policies.url_policy(path)
    if index >= 0:
        return f"{key!r} in CORS_URL_POLICIES[{index}]"
    return "CORS_" + key.upper()
