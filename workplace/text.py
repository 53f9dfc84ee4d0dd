"""Text helpers shared by search screens."""

import unicodedata


def fold(text):
    """Lower-case text without Vietnamese diacritics: "Hữu Lũng" → "huu lung".

    Searches compare folded text with folded text, so an officer typing without accents (as on
    many phones) still finds what they mean.
    """
    decomposed = unicodedata.normalize("NFD", str(text or ""))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").lower()
