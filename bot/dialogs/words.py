"""Typed words read the way people mean them: 「ＯＫ」「ok」「無事です。」「ブジ」 as the word they type for a button.

A step declares, per choice, the words that mean it (catalog tuples such as
`T.WORDS_SAFE`); the router keys them by their `folded` form, and the dispatcher folds
what was typed the same way, so full-width and half-width forms, katakana and hiragana,
upper and lower case, spaces and a trailing 「。」「！」 or emoji all read alike.
"""

import unicodedata

_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}  # ァ..ヶ → ぁ..ゖ


def _is_decoration(ch: str) -> bool:
    """An emoji or a mark of tone (👍 🙏 ☀ ♪ ☆), as opposed to a symbol that is an answer (○ △ ×)."""
    code = ord(ch)
    return code >= 0x1F000 or 0x2600 <= code <= 0x26FF or ch in "\u200d\ufe0f♪☆★♡♥"


def folded(text: str | None) -> str:
    """The form typed words are compared in; "" for nothing."""
    if not text:
        return ""
    value = unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA)
    value = "".join(ch for ch in value if not ch.isspace())
    # Punctuation around a word is tone, not meaning; so is a trailing emoji (「無事です🙏」).
    # A symbol on its own is the answer itself (○ △ ×), so it stays.
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "P" or ch in "-/:")
    while len(value) > 1 and _is_decoration(value[-1]):
        value = value[:-1]
    return value


def fold_all(words) -> frozenset[str]:
    """The folded forms of `words` (a string or several); empty forms are dropped."""
    if isinstance(words, str):
        words = (words,)
    return frozenset(form for form in map(folded, words) if form)
