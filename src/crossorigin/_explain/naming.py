"""How the explanation names settings and policies, in the words of the settings.

Steps, hints and the policy source all point the reader at something to change:
``CORS_URL_POLICIES[2]``, ``'allow_headers' in CORS_URL_POLICIES[0]``, ``@cors_policy
on app.views.items``, a regex written as ``r'...'``. Naming them in one place keeps
that wording the same everywhere it appears and matching what the settings say. The
decision's own sentence (``Reason.sentence``) cannot know which of the global settings,
a URL policy or a view's ``@cors_policy`` set an option; ``decision_sentence`` fills
that in, in the reason table's ``explained`` wording (``crossorigin._core.policy``).
"""

from __future__ import annotations

from string import Formatter

from django.urls import ResolverMatch

from crossorigin._config.decorators import name_of
from crossorigin._config.registry import PolicySet, ViewOverrides
from crossorigin._config.selection import select_policy
from crossorigin._core.policy import REASON_SENTENCES, Decision


def view_name(match: ResolverMatch | None) -> str | None:
    """The view a path reaches, named as the decorators name it (a DRF ``@api_view`` by its function)."""
    return None if match is None else name_of(match.func)


def describe_policy(policies: PolicySet, path: str, view: ViewOverrides | None) -> str:
    """Where the policy for a request comes from, in the words of the settings."""
    index = select_policy(policies, path, view=None).url_index
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
    index = select_policy(policies, path, view=None).url_index
    if index >= 0:
        return f"{key!r} in CORS_URL_POLICIES[{index}]"
    return "CORS_" + key.upper()


def option_source(policies: PolicySet, path: str, view: ViewOverrides | None, key: str) -> str:
    """The setting or override one option of the applied policy got its value from.

    A view's ``@cors_policy`` wins for the keys it sets, then the URL policy for the
    keys it sets, then the global ``CORS_*`` setting: the order ``PolicySet.select``
    lays them over each other.
    """
    if view is not None and not view.exempt:
        overrides = view.as_dict()
        if key in overrides:
            value = overrides[key]
            shown = repr(value) if isinstance(value, (bool, int)) else "..."
            return f"@cors_policy({key}={shown}) on {view.name}"
    index = select_policy(policies, path, view=None).url_index
    if index >= 0 and key in policies.url_policies[index][2]:
        return f"CORS_URL_POLICIES[{index}][{key!r}]"
    return "CORS_" + key.upper()


def decision_sentence(policies: PolicySet, path: str, view: ViewOverrides | None, decision: Decision) -> str:
    """The decision's reason as a sentence that names the setting or decorator that decided it.

    The wording is the reason's own (``REASON_SENTENCES``); this fills in its names.
    """
    template = REASON_SENTENCES[decision.reason].explained
    if template is None:
        return decision.reason.sentence
    fields = {name for _text, name, _spec, _conversion in Formatter().parse(template) if name}
    return template.format(
        **{
            name: describe_policy(policies, path, view)
            if name == "policy"
            else option_source(policies, path, view, name)
            for name in fields
        }
    )
