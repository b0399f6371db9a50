"""LINE messages as HTML for the simulator: text, images, Flex bubbles and carousels, quick replies.

The markup follows the Flex Message layout rules (a box is a flexbox: vertical is a column,
horizontal and baseline are rows whose children share the width by `flex`); the look lives in
simulator.css. Every tappable thing carries a key that the page posts back, so the server
acts on the action as the LINE app would.
"""

from collections.abc import Callable
from html import escape

from bot.texts import catalog as T

# Flex keywords in pixels, as the LINE app draws them.
SPACING = {"none": 0, "xs": 2, "sm": 4, "md": 8, "lg": 12, "xl": 16, "xxl": 20}
TEXT_SIZE = {"xxs": 11, "xs": 13, "sm": 14, "md": 16, "lg": 19, "xl": 22, "xxl": 29,
             "3xl": 35, "4xl": 48, "5xl": 74}
IMAGE_SIZE = {"xxs": 40, "xs": 60, "sm": 80, "md": 100, "lg": 120, "xl": 140, "xxl": 160,
              "3xl": 180, "4xl": 240, "5xl": 360}
BUBBLE_WIDTH = {"nano": 120, "micro": 160, "deca": 220, "hecto": 241, "kilo": 260, "mega": 300, "giga": 386}
BLOCK_PADDING = {"header": 20, "hero": 0, "body": 20, "footer": 10}
BUTTON_HEIGHT = {"md": 52, "sm": 40}
PRIMARY, SECONDARY, LINK = "#17C950", "#DCDFE5", "#42659A"
ALIGN = {"start": "flex-start", "end": "flex-end", "center": "center"}
JUSTIFY = {"flex-start": "flex-start", "flex-end": "flex-end", "center": "center",
           "space-between": "space-between", "space-around": "space-around", "space-evenly": "space-evenly"}

ActionKey = Callable[[dict], str]


def _px(value, table=SPACING) -> str | None:
    """A Flex length: a keyword, or a value in px or % as given."""
    if value is None:
        return None
    if value in table:
        return f"{table[value]}px"
    return str(value) if str(value).endswith(("px", "%")) else None


def _style(**props) -> str:
    parts = [f"{name.replace('_', '-')}:{value}" for name, value in props.items() if value is not None]
    return f' style="{escape(";".join(parts))}"' if parts else ""


def action_attrs(action: dict | None, key: ActionKey) -> str:
    """What makes an element tappable: a link for uri actions, a data key for the rest."""
    if not action:
        return ""
    kind = action.get("type")
    if kind == "uri":
        return f' data-uri="{escape(action.get("uri", ""))}"'
    attrs = f' data-action="{escape(key(action))}" data-kind="{escape(str(kind))}"'
    if kind == "datetimepicker":
        for name in ("mode", "initial", "min", "max"):
            if name in action:
                attrs += f' data-{name}="{escape(str(action[name]))}"'
    return attrs


class FlexRenderer:
    """Renders one message; `key` names each action so the page can post it back."""

    def __init__(self, key: ActionKey) -> None:
        self.key = key

    def message(self, message: dict) -> str:
        kind = message.get("type")
        if kind in ("text", "textV2"):
            return f'<div class="bubble text">{escape(message.get("text", ""))}</div>'
        if kind == "image":
            return (f'<a class="bubble image" href="{escape(message.get("originalContentUrl", ""))}" '
                    f'target="_blank" rel="noopener"><img src="{escape(message.get("previewImageUrl", ""))}" '
                    f'alt=""></a>')
        if kind == "flex":
            return self.container(message.get("contents") or {})
        if kind == "template":
            return self.template(message.get("template") or {})
        if kind == "sticker":
            return f'<div class="bubble sticker">{escape(T.SIM_STICKER)}</div>'
        return f'<div class="bubble unknown">{escape(str(kind))}</div>'

    # Containers

    def container(self, node: dict) -> str:
        if node.get("type") == "carousel":
            bubbles = "".join(self.bubble(b) for b in node.get("contents", []))
            return f'<div class="carousel">{bubbles}</div>'
        return self.bubble(node)

    def bubble(self, node: dict) -> str:
        styles = node.get("styles") or {}
        width = BUBBLE_WIDTH.get(node.get("size", "mega"), 300)
        blocks = []
        for name in ("header", "hero", "body", "footer"):
            block = node.get(name)
            if not block:
                continue
            style = styles.get(name) or {}
            separator = ' class="separated"' if style.get("separator") else ""
            inner = self.component(block, parent="vertical", first=True, block=name)
            blocks.append(f'<div data-block="{name}"{separator}'
                          f'{_style(background_color=style.get("backgroundColor"))}>{inner}</div>')
        rtl = ' dir="rtl"' if node.get("direction") == "rtl" else ""
        return (f'<div class="flex-bubble"{rtl}{action_attrs(node.get("action"), self.key)}'
                f'{_style(width=f"{width}px")}>{"".join(blocks)}</div>')

    # Components

    def component(self, node: dict, *, parent: str, first: bool = False, spacing: str | None = None,
                  block: str | None = None) -> str:
        kind = node.get("type")
        render = getattr(self, f"_{kind}", None)
        if render is None:
            return ""
        return render(node, parent=parent, gap=self._gap(node, parent, first, spacing), block=block)

    @staticmethod
    def _gap(node: dict, parent: str, first: bool, spacing: str | None) -> dict:
        """The space before a component: its margin, else the parent's spacing (never before the first)."""
        if first:
            return {}
        space = _px(node.get("margin")) or _px(spacing)
        if not space:
            return {}
        return {"margin_top": space} if parent == "vertical" else {"margin_left": space}

    @staticmethod
    def _flex(node: dict, parent: str) -> str | None:
        default = 0 if parent == "vertical" else 1
        grow = node.get("flex", default)
        if parent == "vertical":
            return f"{grow} 0 auto" if grow else "none"
        return f"{grow} 0 0" if grow else "0 0 auto"

    @staticmethod
    def _position(node: dict) -> dict:
        offsets = {side: _px(node.get(f"offset{side.title()}")) for side in ("top", "bottom", "start", "end")}
        return {"position": "absolute" if node.get("position") == "absolute" else None,
                "top": offsets["top"], "bottom": offsets["bottom"], "left": offsets["start"],
                "right": offsets["end"]}

    def _box(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        layout = node.get("layout", "vertical")
        pad = BLOCK_PADDING[block] if block else 0
        padding = {f"padding_{side}": _px(node.get(f"padding{name}") or node.get("paddingAll")) or (f"{pad}px" if pad else None)
                   for side, name in (("top", "Top"), ("bottom", "Bottom"), ("left", "Start"), ("right", "End"))}
        children = []
        for i, child in enumerate(node.get("contents", [])):
            children.append(self.component(child, parent=layout, first=i == 0, spacing=node.get("spacing")))
        border = _px(node.get("borderWidth"), {"none": 0, "light": 0.5, "normal": 1, "medium": 2,
                                               "semi-bold": 3, "bold": 4})
        style = _style(flex=None if block else self._flex(node, parent), **gap, **padding,
                       background_color=node.get("backgroundColor"),
                       border=f"{border} solid {node.get('borderColor', '#000')}" if border else None,
                       border_radius=_px(node.get("cornerRadius")), width=node.get("width"),
                       max_width=node.get("maxWidth"), height=node.get("height"), max_height=node.get("maxHeight"),
                       justify_content=JUSTIFY.get(node.get("justifyContent")),
                       align_items=JUSTIFY.get(node.get("alignItems")), **self._position(node))
        return (f'<div class="box {escape(layout)}"{action_attrs(node.get("action"), self.key)}{style}>'
                f'{"".join(children)}</div>')

    def _text(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        spans = node.get("contents")
        if spans:
            inner = "".join(self._span(s) for s in spans if s.get("type") == "span")
        else:
            inner = escape(node.get("text", ""))
        wrap = node.get("wrap", False)
        max_lines = node.get("maxLines")
        classes = "text" + (" wrap" if wrap else " nowrap") + (" clamp" if wrap and max_lines else "")
        style = _style(flex=self._flex(node, parent), **gap, font_size=_px(node.get("size", "md"), TEXT_SIZE),
                       font_weight="bold" if node.get("weight") == "bold" else None, color=node.get("color"),
                       text_align={"start": "left", "end": "right", "center": "center"}.get(node.get("align")),
                       align_self=ALIGN.get({"top": "start", "bottom": "end"}.get(node.get("gravity"),
                                                                                 node.get("gravity"))),
                       line_height=_px(node.get("lineSpacing")) and f"calc(1.4em + {_px(node.get('lineSpacing'))})",
                       font_style=node.get("style"), text_decoration=node.get("decoration"),
                       _webkit_line_clamp=max_lines if wrap and max_lines else None, **self._position(node))
        return f'<div class="{classes}"{action_attrs(node.get("action"), self.key)}{style}>{inner}</div>'

    @staticmethod
    def _span(node: dict) -> str:
        style = _style(color=node.get("color"), font_weight="bold" if node.get("weight") == "bold" else None,
                       font_size=_px(node.get("size"), TEXT_SIZE), font_style=node.get("style"),
                       text_decoration=node.get("decoration"))
        return f'<span{style}>{escape(node.get("text", ""))}</span>'

    def _button(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        kind = node.get("style", "link")
        color = node.get("color")
        if kind == "primary":
            colors = {"background_color": color or PRIMARY, "color": "#FFFFFF"}
        elif kind == "secondary":
            colors = {"background_color": color or SECONDARY, "color": "#111111"}
        else:
            colors = {"color": color or LINK}
        action = node.get("action") or {}
        style = _style(flex=self._flex(node, parent), **gap, **colors,
                       height=f"{BUTTON_HEIGHT.get(node.get('height', 'md'), 52)}px",
                       align_self=ALIGN.get({"top": "start", "bottom": "end"}.get(node.get("gravity"),
                                                                                 node.get("gravity"))),
                       **self._position(node))
        return (f'<button type="button" class="flex-button {escape(kind)}"{action_attrs(action, self.key)}{style}>'
                f'{escape(action.get("label", ""))}</button>')

    def _separator(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        direction = "horizontal" if parent == "vertical" else "vertical"
        return (f'<div class="separator {direction}"'
                f'{_style(**gap, background_color=node.get("color"))}></div>')

    def _image(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        size = node.get("size", "md")
        width = "100%" if size == "full" else _px(size, IMAGE_SIZE) or "100px"
        ratio = str(node.get("aspectRatio", "1:1")).replace(":", "/")
        fit = "cover" if node.get("aspectMode") == "cover" else "contain"
        align = ALIGN.get(node.get("align", "center"), "center")
        wrapper = _style(flex=self._flex(node, parent), **gap, justify_content=align, **self._position(node))
        image = _style(width=width, max_width="100%", aspect_ratio=ratio, object_fit=fit,
                       background_color=node.get("backgroundColor"))
        return (f'<div class="image"{action_attrs(node.get("action"), self.key)}{wrapper}>'
                f'<img src="{escape(node.get("url", ""))}" alt=""{image}></div>')

    def _icon(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        size = _px(node.get("size", "md"), TEXT_SIZE)
        return (f'<img class="icon" src="{escape(node.get("url", ""))}" alt=""'
                f'{_style(**gap, width=size, height=size)}>')

    def _filler(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        grow = node.get("flex", 1)
        return f'<div class="filler"{_style(flex=f"{grow} 0 0")}></div>'

    def _spacer(self, node: dict, *, parent: str, gap: dict, block: str | None) -> str:
        size = _px(node.get("size", "md"))
        return f'<div class="spacer"{_style(flex=f"0 0 {size}")}></div>'

    # Template messages (buttons, confirm, carousel), drawn like LINE draws them

    def template(self, node: dict) -> str:
        kind = node.get("type")
        if kind == "carousel":
            return f'<div class="carousel">{"".join(self._template_card(c) for c in node.get("columns", []))}</div>'
        if kind == "confirm":
            buttons = "".join(self._template_button(a) for a in node.get("actions", []))
            return (f'<div class="flex-bubble template confirm"><div class="template-text">'
                    f'{escape(node.get("text", ""))}</div><div class="template-row">{buttons}</div></div>')
        return self._template_card(node)

    def _template_card(self, node: dict) -> str:
        image = (f'<img class="template-image" src="{escape(node["thumbnailImageUrl"])}" alt="">'
                 if node.get("thumbnailImageUrl") else "")
        title = f'<div class="template-title">{escape(node["title"])}</div>' if node.get("title") else ""
        buttons = "".join(self._template_button(a) for a in node.get("actions", []))
        return (f'<div class="flex-bubble template">{image}{title}<div class="template-text">'
                f'{escape(node.get("text", ""))}</div>{buttons}</div>')

    def _template_button(self, action: dict) -> str:
        return (f'<button type="button" class="flex-button link"{action_attrs(action, self.key)}>'
                f'{escape(action.get("label", ""))}</button>')

    # Quick replies

    def quick_reply(self, items: list[dict]) -> str:
        chips = []
        for item in items[:13]:
            action = item.get("action") or {}
            icon = f'<img src="{escape(item["imageUrl"])}" alt="">' if item.get("imageUrl") else ""
            usable = action.get("type") in ("postback", "message", "datetimepicker", "uri")
            disabled = "" if usable else " disabled"
            chips.append(f'<button type="button" class="chip"{action_attrs(action, self.key)}{disabled}>'
                         f'{icon}{escape(action.get("label", ""))}</button>')
        return "".join(chips)
