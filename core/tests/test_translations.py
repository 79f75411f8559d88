"""The Chinese catalogue is complete: every message has a translation and none is a fuzzy guess."""

from pathlib import Path

from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def catalogue_entries(path: Path = PO_FILE) -> list[dict]:
    """The entries of a .po file: flags, msgid, and every msgstr (msgstr[n] for plurals).

    Obsolete entries (``#~``) are left out: gettext ignores them."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip() or line.startswith("#~"):
            if entry is not None and entry.get("msgid") is not None:
                entries.append(entry)
            if not line.strip():
                entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgid": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field == "msgid":
                entry["msgid"] += _unquote(line)
            elif field is not None:
                entry["msgstr"][field] += _unquote(line)
        else:
            keyword, _, value = line.partition(" ")
            if keyword == "msgid":
                entry["msgid"], field = _unquote(value), "msgid"
            elif keyword.startswith("msgstr"):
                entry["msgstr"][keyword], field = _unquote(value), keyword
            else:  # msgctxt, msgid_plural
                field = None
    return entries


def test_it_has_a_chinese_catalogue():
    entries = catalogue_entries()
    assert len(entries) > 100
    assert any(entry["msgid"] == "Sign in" and entry["msgstr"]["msgstr"] == "登录" for entry in entries)


def test_it_leaves_no_message_untranslated():
    untranslated = [
        entry["msgid"]
        for entry in catalogue_entries()
        if entry["msgid"] and any(not value for value in entry["msgstr"].values())
    ]
    assert untranslated == []


def test_it_keeps_no_fuzzy_guess():
    fuzzy = [entry["msgid"] for entry in catalogue_entries() if "fuzzy" in entry["flags"]]
    assert fuzzy == []


def test_it_ships_the_compiled_catalogue():
    assert PO_FILE.with_suffix(".mo").exists()
