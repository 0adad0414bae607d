"""Find the user-facing texts in the code and check the catalogues cover them.

python -m scripts.messages            # list msgids missing from ru
python -m scripts.messages --add FILE # append missing msgids to FILE (a .po)
python -m scripts.messages --unused   # list ru msgids no code uses any more
python -m scripts.messages --prune    # and remove them from the catalogues
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers", "services", "scheduler")
KEYWORDS = {"tr": None, "s": None, "N_": None, "_N": None, "n": (1, 2), "pN_": ((1, "c"), 2)}
SEPARATOR = "\x04"  # gettext's "context\x04msgid", as services.errors.pN_ builds keys


def extract() -> dict[str, tuple[str, ...]]:
    """msgid -> (msgid, plural) or (msgid,), with where it was found."""
    found: dict[str, tuple[str, ...]] = {}
    for folder in SOURCES:
        path = ROOT / folder
        if not path.is_dir():
            continue
        for _file, _line, message, _comments, context in extract_from_dir(
            str(path), keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
        ):
            if isinstance(message, tuple):
                if message[0]:
                    found[message[0]] = tuple(m for m in message if m)
            elif message and message.strip() and context:
                found[f"{context}{SEPARATOR}{message}"] = (message,)
            elif message and message.strip():
                found[message] = (message,)
    return found


def _catalogues(lang: str) -> list[Path]:
    return sorted((ROOT / "locales" / lang / "LC_MESSAGES").glob("*.po"))


def _key(message: Message) -> str:
    key = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return f"{message.context}{SEPARATOR}{key}" if message.context else key


def catalogue(lang: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for po in _catalogues(lang):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if not message.id:
                    continue
                key = _key(message)
                strings = (
                    message.string
                    if isinstance(message.string, tuple | list)
                    else (message.string,)
                )
                if all(strings) and not message.fuzzy:
                    out[key] = message.string
    return out


def missing(lang: str = "ru") -> list[tuple[str, ...]]:
    have = catalogue(lang)
    return [ids for key, ids in sorted(extract().items()) if key not in have]


def unused(lang: str = "ru", prune: bool = False) -> list[str]:
    """msgids of the catalogues that no code uses any more; with `prune`, each entry
    (with its comments) is cut out of its .po file, the rest left as it was."""
    used = extract()
    gone: list[str] = []
    for po in _catalogues(lang):
        kept: list[str] = []
        for block in po.read_text(encoding="utf-8").split("\n\n"):
            entries = [m for m in read_po(io.StringIO(block), locale=lang) if m.id]
            if len(entries) == 1 and _key(entries[0]) not in used:
                gone.append(_key(entries[0]))
                continue
            kept.append(block)
        if prune:
            po.write_text("\n\n".join(kept), encoding="utf-8")
    return gone


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--add", help="append the missing msgids to this .po file")
    parser.add_argument("--unused", action="store_true", help="list msgids no code uses")
    parser.add_argument("--prune", action="store_true", help="remove the unused msgids")
    args = parser.parse_args()
    if args.unused or args.prune:
        for key in unused(args.lang, prune=args.prune):
            print(key.replace(SEPARATOR, " | "))
        return 0
    gaps = missing(args.lang)
    if args.add:
        target = Path(args.add)
        if target.exists():
            with target.open("rb") as fh:
                cat = read_po(fh, locale=args.lang)
        else:
            cat = Catalog(locale=args.lang)
        for ids in gaps:
            cat.add(ids if len(ids) > 1 else ids[0], string=("", "", "") if len(ids) > 1 else "")
        with target.open("wb") as fh:
            write_po(fh, cat, width=0, omit_header=False)
    for ids in gaps:
        print(" | ".join(ids))
    return 0


if __name__ == "__main__":
    sys.exit(main())
