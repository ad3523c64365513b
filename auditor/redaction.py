"""Secrets out of everything the auditor keeps, shows or logs.

Anyone with write access to one resource shapes documents Azure returns, so secrets are removed
twice over before anything is frozen into the inventory.

**By name** (``is_secret_name``): a name is split into words (camelCase, snake_case, kebab-case;
a one-word lowercase name such as ``apikey`` at a known ending) and judged on its **last word**,
so references that only start with a secret word stay (``keyVault``, ``keySource``,
``secretUri``, ``tokenLifetime``, ``keyCreationTime``, ``sasPolicy``, ``allowSharedKeyAccess``,
``privateEndpointConnections``...). Secret when the last word is ``password(s)``, ``passwd``,
``pwd``, ``passphrase``, ``secret(s)``, ``token(s)``, ``credential(s)``, ``creds``,
``signature(s)`` or ``sas``; ``keys``, or ``key`` after another word or a number (``apiKey``,
``key1``; not ``publicKey``, and a bare ``key`` is half of a key/value pair); ``string(s)`` after
``connection``; ``connection`` when its value is a string (``storageConnection``, never the plural);
``value(s)``/``data``/``text`` after one of those (``secretValue``, ``keyData``). Free-form
content no rule reads goes too: ``scriptData``, ``scriptArguments``, ``customData``,
``userData``, ``commandToExecute``, ``protectedSettings``; environment variables keep their names
and ``type``, not their values. Under a secret name the whole subtree goes, except booleans,
numbers, null, empty values and ISO-8601 timestamps (storage ``keyCreationTime.key1``). Lists of
strings directly under a ``permissions`` object are verbs (key vault access policies).

**By value** (``scrub_text``), on every other string, tag keys and values, names and log lines:
PEM blocks and JWTs; the value after ``AccountKey=``, ``SharedAccessKey=``, ``Password=``,
``Pwd=``, ``InstrumentationKey=``, ``client_secret=``, ``sig=``, ``token=``, URL ``code=``; Bearer
and Basic credentials, ``Authorization:`` headers, ``password: x`` in free text, URL user-info;
well-known token prefixes (GitHub, AWS, Slack, Stripe, Google, GitLab, npm, Hugging Face, OpenAI,
Entra ID client secrets, Azure DevOps); and key-shaped runs of 40+ base64 characters (base64url
too as a whole value) mixing case and digits as random data does, such as an 88-character storage
key. GUIDs, ARM ids, hex thumbprints, timestamps, plain URLs and resource names do not match.

Cost: names are classified once each (cached); a string goes through the patterns only when a
cheap search finds one of their anchors, or when it is long enough to be key-shaped. Every pattern
is linear in the string (none can rescan a run from each position), so crafted text is cheap too.
"""

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

REDACTED = "[redacted]"

_NOT_SECRET, _SECRET, _IF_STRING, _ENVIRONMENT = range(4)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_SECRET_WORDS = frozenset(
    {"password", "passwords", "passwd", "pwd", "passphrase", "secret", "secrets", "token"}
    | {"tokens", "credential", "credentials", "creds", "signature", "signatures", "sas"}
)
_KEY_WORDS = frozenset({"key", "keys"})
_HOLDER_WORDS = frozenset({"value", "values", "data", "text"})
# Endings that split a one-word lowercase name ("accountkey"); "sas" is left out ("canvas").
_CONNECTION_WORDS = frozenset({"string", "strings", "connection"})
_ENDINGS = tuple(
    sorted((_SECRET_WORDS - {"sas"}) | _KEY_WORDS | _HOLDER_WORDS | _CONNECTION_WORDS, key=len)
)[::-1]
_FREE_FORM: tuple[str, ...] = ("scriptdata", "scriptarguments", "customdata", "userdata")
_FREE_FORM += ("commandtoexecute", "protectedsettings")
_ENVIRONMENT_NAMES = ("environmentvariables", "envvars", "envvariables")
_ENVIRONMENT_KEPT = frozenset({"name", "type"})

_ISO_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_NOT_DONE = r"(?!\[redacted\])"
_KEEP = r"\1" + REDACTED
# (pattern, replacement), in order; every pattern runs on a string holding one of their anchors.
_SUBSTITUTIONS = tuple(
    (re.compile(pattern, re.S), replacement)
    for pattern, replacement in (
        (r"-----BEGIN ([A-Z0-9 ]{1,40})-----(?:.*?-----END \1-----|.*)", REDACTED),
        # Patterns that can start inside a run begin at its edge only: no quadratic rescans.
        (r"(?<![\w-])eyJ[\w-]{6,}+\.[\w-]{6,}+\.[\w-]*+", REDACTED),
        # Connection-string pairs: the value runs to the next ";" (a password may hold "&").
        (
            r"(?i)((?<![a-z0-9])(?:(?:account|shared ?access|instrumentation|access|api) ?key"
            r"|shared ?access ?signature|client_secret|client ?secret|password|pwd|secret)\s*=\s*)"
            rf"{_NOT_DONE}[^;\s\"'][^;\r\n\"']*",
            _KEEP,
        ),
        # Query-string pairs: the value runs to the next "&"; "code", "key" only in a query.
        (
            r"(?i)((?:(?<=[?&#])(?:code|key)|(?<![a-z0-9_-])(?:sig|signature|access_token|sas"
            rf"|refresh_token|id_token|token|api[_-]?key|subscription-key))=){_NOT_DONE}"
            r"[^&#;\s\"'<>]+",
            _KEEP,
        ),
        (
            rf"(?i)((?<![a-z])authorization[\"']?\s*:\s*[\"']?){_NOT_DONE}(?:(?:bearer|basic"
            r"|sharedkey|sharedaccesssignature|digest|negotiate|ntlm)\s+)?[^\s\"',;}]+",
            _KEEP,
        ),
        (
            r"(?i)(\b(?:bearer|basic|sharedkey)\s+)(?=[a-z0-9._~+/:-]*[0-9._~+/:-])"
            r"[a-z0-9._~+/:-]{8,}=*(?![\w=])",
            _KEEP,
        ),
        # "adminPassword: x", "'clientSecret': 'x'" in free text and reprs.
        (
            r"(?i)((?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key"
            r"|account[_-]?key|private[_-]?key|connection[_-]?string|credentials?)[\"']?\s*[:=]"
            rf"\s*[\"']?)(?!(?:true|false|null|none)\b){_NOT_DONE}[^\"'\s,;&}}\]\[]+",
            _KEEP,
        ),
        (
            r"(?i)((?<![\w+.-])[a-z][\w+.-]{0,30}://[^/\s:@\"'<>]+:)[^/\s@\"'<>]++@",
            rf"\1{REDACTED}@",
        ),
        (
            r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|(?:AKIA|ASIA)[A-Z0-9]{16}"
            r"|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_live_[A-Za-z0-9]{16,}|AIza[A-Za-z0-9_-]{35}"
            r"|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|hf_[A-Za-z0-9]{30,}"
            r"|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{40,}"
            r"|[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,})",
            REDACTED,
        ),
    )
)
# Anchors of the substitutions, looked for in the lowercased text (or as plain substrings, in
# scrub_text): most property values (enums, ids, timestamps) have none and skip them all.
_ANCHOR_WORDS = re.compile(
    r"bearer|basic|sharedkey|authoriz|passw|pwd|secret|token|key|credential|gh[pousr]_"
    r"|github_pat_|akia|asia|xox[abposr]-|_live_|aiza|glpat-|npm_|hf_|sk-"
)
_WHOLE_KEY = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}|[A-Za-z0-9_-]{40,}={0,2}")
_AZURE_DEVOPS_PAT = re.compile(r"[a-z2-7]{52}")
_EMBEDDED_KEY = re.compile(r"(?<![A-Za-z0-9+/=_.-])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=_.-])")
_CLASS_RUN = re.compile(r"[A-Z]+|[a-z]+|[0-9]+")
_WORDY_RUN = re.compile(r"[a-z]{4,}")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
_HEX_SEGMENT = re.compile(r"[0-9A-Fa-f]{8,}")
_SSH_PUBLIC_KEY_BLOB = "AAAA"  # every OpenSSH public key blob starts with a zero length byte


def _random_looking(run: str) -> bool:
    """Mixed case and digits in short runs, few vowels: random base64, not names or words.

    Hex segments are left out first (``vm_OsDisk_1_f71c14a1...`` is a name holding a hash), and
    padded base64 of mixed case and digits is enough on its own: no Azure name holds ``=``.
    """
    if sum(not c.isalnum() for c in run.rstrip("=")) * 10 > len(run):
        return False  # names are words between separators; base64 has a separator in 32
    core = "".join(s for s in _SEPARATORS.split(run) if _HEX_SEGMENT.fullmatch(s) is None)
    if len(core) < 32 or core.isupper() or core.islower() or core.isalpha():
        return False
    if run.endswith("=") and len(run) % 4 == 0:
        return True
    # Random base64 averages ~1.6 characters per case/digit run with ~19% vowels among letters;
    # identifiers average 3+ and 35%+. Measured: ~5% of random keys slip, ~1e-4 of names trip.
    letters = [c for c in core.lower() if c.isalpha()]
    vowels = sum(c in "aeiou" for c in letters)
    wordy = sum(len(w) for w in _WORDY_RUN.findall(core))
    runs = len(_CLASS_RUN.findall(core))
    return len(core) < 2.2 * runs and wordy < 0.3 * len(core) and vowels < 0.3 * len(letters)


def _key_shaped(run: str) -> bool:
    if run.startswith(_SSH_PUBLIC_KEY_BLOB):
        return False
    pat = _AZURE_DEVOPS_PAT.fullmatch(run) is not None and sum(c.isdigit() for c in run) > 3
    return pat or _random_looking(run)


def scrub_text(text: str) -> str:
    """``text`` with every secret-shaped span replaced (value patterns only, no names)."""
    if len(text) < 5:
        return text
    if (
        "=" in text
        or "~" in text
        or "eyJ" in text
        or "-----" in text
        or ("@" in text and "://" in text)
        or _ANCHOR_WORDS.search(text.lower()) is not None
    ):
        for pattern, replacement in _SUBSTITUTIONS:
            text = pattern.sub(replacement, text)
    if len(text) < 40:
        return text
    whole = text.strip()
    if _WHOLE_KEY.fullmatch(whole) is not None and _key_shaped(whole):
        return REDACTED
    return _EMBEDDED_KEY.sub(lambda m: REDACTED if _key_shaped(m[0]) else m[0], text)


def _split_ending(word: str) -> tuple[str, str]:
    """(previous, last) for a one-word name: ``accountkey`` -> ("account", "key")."""
    for ending in _ENDINGS:
        if word.endswith(ending) and word != ending:
            rest = word[: -len(ending)]
            if ending in _HOLDER_WORDS:  # "secretvalue": judge the word before the holder
                return next((e for e in _ENDINGS if rest.endswith(e)), rest), ending
            return rest, ending
    return "", word


@lru_cache(maxsize=16384)
def _classify(name: str) -> int:
    words = [w.lower() for w in _WORD.findall(name)]
    numbered = bool(words) and words[-1].isdigit()
    while words and words[-1].isdigit():
        words.pop()
    if not words:
        return _NOT_SECRET
    joined = "".join(words)
    if joined.endswith(_FREE_FORM):
        return _SECRET
    if joined.endswith(_ENVIRONMENT_NAMES):
        return _ENVIRONMENT
    previous, last = (words[-2], words[-1]) if len(words) > 1 else _split_ending(words[0])
    if last in _SECRET_WORDS:
        return _SECRET
    if last in _KEY_WORDS:
        bare_key = last == "key" and not previous and not numbered
        return _NOT_SECRET if bare_key or previous == "public" else _SECRET
    if last in {"string", "strings"} and previous == "connection":
        return _SECRET
    if last == "connection":
        return _IF_STRING
    if last in _HOLDER_WORDS and (previous in _SECRET_WORDS or previous in _KEY_WORDS):
        return _SECRET
    return _NOT_SECRET


def is_secret_name(name: str) -> bool:
    """True when values under ``name`` are redacted (for ``...Connection``: string values)."""
    return _classify(name) in (_SECRET, _IF_STRING)


def _conceal(value: Any) -> Any:
    """What survives under a secret name: scalars but strings, timestamps, empty values."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and _ISO_TIMESTAMP.fullmatch(value) is not None:
        return value
    return redact_json(value) if isinstance(value, str | list | Mapping) and not value else REDACTED


def _environment(value: Any, top: bool = True) -> Any:
    """Environment variables by name (``{NAME: value}`` or ``[{name, value}]``), values gone."""
    if isinstance(value, Mapping) and top:
        return {scrub_text(str(k)): _environment(v, False) for k, v in value.items()}
    if isinstance(value, Mapping):  # one variable: {"type": "local", "value": "..."}
        kept = _ENVIRONMENT_KEPT
        return {
            scrub_text(str(k)): (redact_json(v) if str(k).lower() in kept else _conceal(v))
            for k, v in value.items()
        }
    if isinstance(value, list) and top:
        return [_environment(item, False) for item in value]
    return _conceal(value)


@lru_cache(maxsize=16384)
def _key(name: str) -> tuple[int, str, bool]:
    """(kind, key as written out, whether it holds permission verbs), once per distinct name."""
    return _classify(name), scrub_text(name), name.lower().endswith("permissions")


def _object(obj: Mapping[Any, Any], verbs: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in obj.items():
        kind, name, holds_verbs = _key(str(key))
        if verbs and isinstance(item, list) and all(isinstance(v, str) for v in item):
            kind = _NOT_SECRET
        if kind == _SECRET or (kind == _IF_STRING and isinstance(item, str)):
            out[name] = _conceal(item)
        elif kind == _ENVIRONMENT:
            out[name] = _environment(item)
        else:
            out[name] = _redact(item, holds_verbs)
    return out


def _redact(value: Any, verbs: bool) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return _object(value, verbs)
    if isinstance(value, list | tuple):
        return [_redact(item, verbs) for item in value]
    return value


def redact_json(value: Any) -> Any:
    """A plain deep copy of a JSON value without secrets (see the module docstring)."""
    return _redact(value, False)


def redact_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags with keys scrubbed, values under secret-looking keys redacted, others scrubbed."""
    out: dict[str, str] = {}
    for key, value in tags.items():
        name, text = str(key), str(value)
        secret = _classify(name) in (_SECRET, _IF_STRING)
        out[scrub_text(name)] = str(_conceal(text)) if secret else scrub_text(text)
    return out
