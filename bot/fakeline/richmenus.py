"""The fake platform's rich menus: menus, their images (LINE's data host), aliases, the default
menu and each user's menu, with the rules of LINE's reference that the OpenAPI spec leaves out
(sizes, image type and size, one image per menu, a menu without an image cannot be linked)."""

import io
import re
import secrets
from typing import Any

from PIL import Image

RICHMENU = "/v2/bot/richmenu"
BULK_LINK = "/v2/bot/richmenu/bulk/link"
BULK_UNLINK = "/v2/bot/richmenu/bulk/unlink"
ALIAS = "/v2/bot/richmenu/alias"
_MENU = re.compile(r"^/v2/bot/richmenu/(richmenu-[0-9a-f]{32})$")
_CONTENT = re.compile(r"^/v2/bot/richmenu/([^/]+)/content$")
_ALIAS = re.compile(r"^/v2/bot/richmenu/alias/([^/]+)$")
_DEFAULT = re.compile(r"^/v2/bot/user/all/richmenu/([^/]+)$")
_USER_MENU = re.compile(r"^/v2/bot/user/([^/]+)/richmenu$")
_USER_LINK = re.compile(r"^/v2/bot/user/([^/]+)/richmenu/([^/]+)$")
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
MAX_IMAGE_BYTES = 1_000_000
MAX_AREAS = 20


def is_content_path(path: str) -> bool:
    """The image upload and download: a blob, not JSON."""
    return bool(_CONTENT.match(path))


def _error(status: int, message: str) -> tuple[int, Any, dict]:
    return status, {"message": message}, {}


def _ok(body: Any = None, status: int = 200) -> tuple[int, Any, dict]:
    return status, {} if body is None else body, {}


class RichMenus:
    """What the fake knows of the channel's rich menus; every method runs under FakeLine's lock."""

    def __init__(self) -> None:
        self.menus: dict[str, dict] = {}
        self.images: dict[str, tuple[bytes, str]] = {}
        self.aliases: dict[str, str] = {}
        self.default: str | None = None
        self.users: dict[str, str] = {}

    # Reading for tests and the simulator

    def menu_of(self, user_id: str) -> str | None:
        """The menu this user sees: their own, else the default."""
        return self.users.get(user_id) or self.default

    def switch(self, user_id: str, alias: str) -> str | None:
        """What LINE does on the phone when a richmenuswitch area is tapped: link the alias's menu."""
        menu = self.aliases.get(alias)
        if menu is not None:
            self.users[user_id] = menu
        return menu

    # Serving

    def route(self, method: str, path: str):
        if method == "POST" and path == RICHMENU:
            return self._create
        if method == "GET" and path == f"{RICHMENU}/list":
            return lambda r: _ok({"richmenus": list(self.menus.values())})
        if method == "POST" and path == BULK_LINK:
            return self._bulk_link
        if method == "POST" and path == BULK_UNLINK:
            return self._bulk_unlink
        if method == "POST" and path == ALIAS:
            return self._create_alias
        if method == "GET" and path == f"{ALIAS}/list":
            return lambda r: _ok({"aliases": [{"richMenuAliasId": a, "richMenuId": m} for a, m in self.aliases.items()]})
        if path == "/v2/bot/user/all/richmenu" and method == "GET":
            return lambda r: _ok({"richMenuId": self.default}) if self.default else _error(404, "no default rich menu")
        if path == "/v2/bot/user/all/richmenu" and method == "DELETE":
            return self._cancel_default
        if (m := _CONTENT.match(path)) and method in ("GET", "POST"):
            return (lambda r: self._upload(r, m.group(1))) if method == "POST" else (lambda r: self._download(m.group(1)))
        if (m := _ALIAS.match(path)) and method in ("GET", "POST", "DELETE"):
            return lambda r: self._alias(r, method, m.group(1))
        if (m := _DEFAULT.match(path)) and method == "POST":
            return lambda r: self._set_default(m.group(1))
        if (m := _USER_MENU.match(path)) and method in ("GET", "DELETE"):
            return lambda r: self._user_menu(method, m.group(1))
        if (m := _USER_LINK.match(path)) and method == "POST":
            return lambda r: self._link_user(m.group(1), m.group(2))
        if (m := _MENU.match(path)) and method in ("GET", "DELETE"):
            return lambda r: self._menu(method, m.group(1))
        return None

    @staticmethod
    def _menu_errors(body: dict) -> list[str]:
        size, areas = body.get("size") or {}, body.get("areas") or []
        width, height = size.get("width", 0), size.get("height", 0)
        errors = []
        for key in ("size", "selected", "name", "chatBarText", "areas"):
            if key not in body:
                errors.append(f"{key}: is required")
        if not 800 <= width <= 2500 or height < 250 or height and width / height < 1.45:
            errors.append("size: must be 800 to 2500 wide, at least 250 high, at least 1.45 times as wide as high")
        if len(areas) > MAX_AREAS:
            errors.append(f"areas: must have at most {MAX_AREAS} items")
        for i, area in enumerate(areas):
            b = area.get("bounds") or {}
            if b.get("x", 0) + b.get("width", 0) > width or b.get("y", 0) + b.get("height", 0) > height:
                errors.append(f"areas[{i}].bounds: must lie within the menu")
            action = area.get("action") or {}
            if action.get("type") == "richmenuswitch" and not action.get("richMenuAliasId"):
                errors.append(f"areas[{i}].action.richMenuAliasId: is required")
        return errors

    def _create(self, r) -> tuple[int, Any, dict]:
        errors = self._menu_errors(r.json)
        if errors:
            r.schema_errors += errors
            return 400, {"message": "The request body has errors",
                         "details": [dict(zip(("property", "message"), e.split(": ", 1))) for e in errors]}, {}
        menu_id = f"richmenu-{secrets.token_hex(16)}"
        self.menus[menu_id] = {"richMenuId": menu_id, **{k: r.json[k] for k in
                                                          ("size", "selected", "name", "chatBarText", "areas")}}
        return _ok({"richMenuId": menu_id})

    def _upload(self, r, menu_id: str) -> tuple[int, Any, dict]:
        menu = self.menus.get(menu_id)
        if menu is None:
            return _error(404, "Not found")
        kind = r.headers.get("content-type", "").split(";")[0].strip()
        problem = None
        if kind not in ("image/png", "image/jpeg"):
            problem = "Content-Type: must be image/jpeg or image/png"
        elif len(r.body) > MAX_IMAGE_BYTES:
            problem = "(body): the image must be at most 1 MB"
        else:
            try:
                image = Image.open(io.BytesIO(r.body))
                if image.format.lower() != kind.split("/")[1].replace("jpeg", "jpeg"):
                    problem = "(body): the image is not of its Content-Type"
                elif image.size != (menu["size"]["width"], menu["size"]["height"]):
                    problem = f"(body): the image is {image.size[0]}x{image.size[1]}, the menu is not"
            except Exception:
                problem = "(body): not an image"
        if problem:
            r.schema_errors.append(problem)
            return _error(400, problem.split(": ", 1)[1])
        if menu_id in self.images:
            return _error(400, "An image has already been uploaded to the richmenu")
        self.images[menu_id] = (r.body, kind)
        return _ok()

    def _download(self, menu_id: str) -> tuple[int, Any, dict]:
        if menu_id not in self.images:
            return _error(404, "Not found")
        return 200, self.images[menu_id], {}

    def _menu(self, method: str, menu_id: str) -> tuple[int, Any, dict]:
        if menu_id not in self.menus:
            return _error(404, "Not found")
        if method == "GET":
            return _ok(self.menus[menu_id])
        del self.menus[menu_id]
        self.images.pop(menu_id, None)
        self.users = {u: m for u, m in self.users.items() if m != menu_id}
        self.default = None if self.default == menu_id else self.default
        return _ok()

    def _linkable(self, menu_id: str) -> tuple[int, Any, dict] | None:
        if menu_id not in self.menus:
            return _error(404, "richmenu not found")
        if menu_id not in self.images:
            return _error(400, "must upload richmenu image before applying it to user")
        return None

    def _bulk_ids(self, r) -> tuple[int, Any, dict] | None:
        bad = [f"userIds[{i}]: is not a valid user id" for i, u in enumerate(r.json.get("userIds") or [])
               if not _USER_ID.match(str(u))]
        if bad:
            r.schema_errors += bad
            return _error(400, "The request body has errors")
        return None

    def _bulk_link(self, r) -> tuple[int, Any, dict]:
        problem = self._linkable(r.json["richMenuId"]) or self._bulk_ids(r)
        if problem:
            return problem
        for user in r.json["userIds"]:
            self.users[user] = r.json["richMenuId"]
        return _ok(status=202)

    def _bulk_unlink(self, r) -> tuple[int, Any, dict]:
        problem = self._bulk_ids(r)
        if problem:
            return problem
        for user in r.json["userIds"]:
            self.users.pop(user, None)
        return _ok(status=202)

    def _create_alias(self, r) -> tuple[int, Any, dict]:
        alias, menu_id = r.json["richMenuAliasId"], r.json["richMenuId"]
        if alias in self.aliases:
            return _error(400, "conflict richmenu alias id")
        if menu_id not in self.menus:
            return _error(400, "richmenu not found")
        self.aliases[alias] = menu_id
        return _ok()

    def _alias(self, r, method: str, alias: str) -> tuple[int, Any, dict]:
        if alias not in self.aliases:
            return _error(404 if method == "GET" else 400, "richmenu alias not found")
        if method == "GET":
            return _ok({"richMenuAliasId": alias, "richMenuId": self.aliases[alias]})
        if method == "DELETE":
            del self.aliases[alias]
            return _ok()
        if r.json["richMenuId"] not in self.menus:
            return _error(400, "richmenu not found")
        self.aliases[alias] = r.json["richMenuId"]
        return _ok()

    def _set_default(self, menu_id: str) -> tuple[int, Any, dict]:
        problem = self._linkable(menu_id)
        if problem:
            return problem
        self.default = menu_id
        return _ok()

    def _cancel_default(self, r) -> tuple[int, Any, dict]:
        self.default = None
        return _ok()

    def _user_menu(self, method: str, user_id: str) -> tuple[int, Any, dict]:
        if method == "DELETE":
            self.users.pop(user_id, None)
            return _ok()
        menu = self.users.get(user_id)
        return _ok({"richMenuId": menu}) if menu else _error(404, "the user has no rich menu")

    def _link_user(self, user_id: str, menu_id: str) -> tuple[int, Any, dict]:
        problem = self._linkable(menu_id)
        if problem:
            return problem
        if not _USER_ID.match(user_id):
            return _error(400, "invalid user id")
        self.users[user_id] = menu_id
        return _ok()
