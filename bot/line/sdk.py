"""line-bot-sdk's Messaging API client, without what Renkei never uses.

Importing anything from `linebot.v3.messaging` the ordinary way runs the `__init__` of each
package on the way: `linebot` (the SDK's older API, with `requests` and its own models),
`linebot.v3` (every webhook event model), `linebot.v3.messaging` (the blocking clients too) and
its `models` (all 200 request and response models, each a pydantic class). Together some 30 MB
in every process and a second or more of start-up, for the handful of models the gateway sends.

Here those packages are put in `sys.modules` without running their `__init__`: a name their
`__init__` would have imported from a submodule is imported, with that submodule alone, when
something first asks for it (the SDK itself looks models up by name, `getattr(models, "TextMessage")`,
when it builds a message or reads an answer). Anything else asked of such a package (a name the
`__init__` defines itself, or a part of the SDK loaded some other way) runs the real `__init__`
first, so the SDK behaves as it always does, only its unused parts stay unloaded.

Import the SDK's names from here, not from `linebot.v3.messaging`: this module must come first.
"""

import functools
import importlib
import importlib.machinery
import importlib.util
import re
import sys
import threading
from pathlib import Path
from types import ModuleType

# `from linebot.v3.messaging.models.text_message import TextMessage`: where each name comes from.
_FROM_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(\w+)\s*$", re.MULTILINE)
_PATCHING = threading.Lock()
LAZY_PACKAGES = ("linebot", "linebot.v3", "linebot.v3.messaging", "linebot.v3.messaging.api",
                 "linebot.v3.messaging.models")


def _run_init(module: ModuleType) -> None:
    """Run the package's real `__init__` in it: what it would have been without this module."""
    if module.__dict__.pop("__getattr__", None) is not None:
        module.__spec__.loader.exec_module(module)


def lazy_package(name: str) -> ModuleType:
    """The package `name` in `sys.modules`, its `__init__` not run (see the module's doc)."""
    if name in sys.modules:
        return sys.modules[name]
    parent, _, child = name.rpartition(".")
    path = lazy_package(parent).__path__ if parent else None
    spec = importlib.machinery.PathFinder.find_spec(name, path)
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError(f"{name} is not an installed package", name=name)
    module = importlib.util.module_from_spec(spec)
    origins = {attr: source for source, attr in _FROM_IMPORT.findall(Path(spec.origin).read_text(encoding="utf-8"))
               if source.startswith(name + ".")}

    def __getattr__(attr: str):
        if attr.startswith("__") and attr not in ("__all__", "__version__"):
            raise AttributeError(attr)  # what introspection asks of any module: not a reason to load it all
        if attr in origins:
            value = getattr(importlib.import_module(origins[attr]), attr)
            setattr(module, attr, value)
            return value
        if importlib.machinery.PathFinder.find_spec(f"{name}.{attr}", module.__path__) is not None:
            return importlib.import_module(f"{name}.{attr}")  # a submodule: it binds itself
        _run_init(module)
        try:
            return module.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    module.__getattr__ = __getattr__
    sys.modules[name] = module
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


def _validated_when_called(func=None, *, config=None):
    """pydantic's `validate_arguments`, which builds a model of the function's arguments, but built
    on the function's first call: the API classes have some 200 methods, of which Renkei calls 20."""
    if func is None:
        return functools.partial(_validated_when_called, config=config)
    validated = None

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        nonlocal validated
        if validated is None:
            from pydantic import v1 as pydantic_v1

            validated = pydantic_v1.validate_arguments(func, config=config)
        return validated(*args, **kwargs)

    return wrapper


def _import_api(name: str) -> ModuleType:
    """An API module of the SDK, its methods' argument models built when each is first called."""
    from pydantic import v1 as pydantic_v1

    with _PATCHING:  # the gateway imports beside start-up, in a thread: one patch at a time
        if name in sys.modules:
            return sys.modules[name]
        eager = pydantic_v1.validate_arguments
        pydantic_v1.validate_arguments = _validated_when_called  # what the module imports as it loads
        try:
            return importlib.import_module(name)
        finally:
            pydantic_v1.validate_arguments = eager


for _name in LAZY_PACKAGES:
    lazy_package(_name)

# The names Renkei uses, each imported (with what it needs of the SDK) when first asked for: the
# gateway's messages do without the SDK, so a process that only sends messages never loads it.
_WHERE = {
    "AsyncMessagingApi": "linebot.v3.messaging.api.async_messaging_api",
    "AsyncMessagingApiBlob": "linebot.v3.messaging.api.async_messaging_api_blob",
    "AsyncApiClient": "linebot.v3.messaging.async_api_client",
    "Configuration": "linebot.v3.messaging.configuration",
    "ApiException": "linebot.v3.messaging.exceptions",
    "CreateRichMenuAliasRequest": "linebot.v3.messaging.models.create_rich_menu_alias_request",
    "ReplyMessageRequest": "linebot.v3.messaging.models.reply_message_request",
    "RichMenuBulkLinkRequest": "linebot.v3.messaging.models.rich_menu_bulk_link_request",
    "RichMenuBulkUnlinkRequest": "linebot.v3.messaging.models.rich_menu_bulk_unlink_request",
    "RichMenuRequest": "linebot.v3.messaging.models.rich_menu_request",
    "UpdateRichMenuAliasRequest": "linebot.v3.messaging.models.update_rich_menu_alias_request",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    where = _WHERE[name]
    module = _import_api(where) if where.startswith("linebot.v3.messaging.api.") else importlib.import_module(where)
    value = globals()[name] = getattr(module, name)
    return value
