"""Text helpers shared by search screens, forms, imports and every file the site writes."""

import unicodedata


def fold(text):
    """Lower-case text without Vietnamese diacritics: "Hữu Lũng" → "huu lung".

    Searches compare folded text with folded text, so an officer typing without accents (as on
    many phones) still finds what they mean.
    """
    decomposed = unicodedata.normalize("NFD", str(text or ""))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


# Dashes a phone keyboard or a word processor may put between a tax code and its branch.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), "-")


def normalise_tax_code(value):
    """A tax code as typed, in ASCII where that is unambiguous.

    Full-width digits and dashes (typed with a Vietnamese or East Asian input method) become
    ASCII, and surrounding spaces go. Anything else stays as it is, so that the validator
    refuses it rather than a guess turning it into another enterprise's code.
    """
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).translate(_DASHES).strip()
    return text if text.isascii() else value.strip()


# A text cell that starts with one of these would run as a formula in a spreadsheet program.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(text):
    # Quotes already in front count too, so that a name that really begins with "'=" keeps
    # its own quote after an export and a re-import.
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


def defuse_formula(text):
    """Prefix a quote so a spreadsheet shows the text instead of running it."""
    if text and _looks_like_formula(text):
        return "'" + text
    return text


def restore_defused(text):
    """Drop the one quote ``defuse_formula`` added, and only that one."""
    if text.startswith("'") and _looks_like_formula(text[1:]):
        return text[1:]
    return text
