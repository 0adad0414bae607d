"""Find the user-facing texts in the code and check the catalogues cover them.

python -m scripts.messages            # list msgids missing from ru
python -m scripts.messages --add FILE # append missing msgids to FILE (a .po)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
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


def catalogue(lang: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for po in sorted((ROOT / "locales" / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if not message.id:
                    continue
                key = message.id[0] if isinstance(message.id, tuple | list) else message.id
                if message.context:
                    key = f"{message.context}{SEPARATOR}{key}"
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--add", help="append the missing msgids to this .po file")
    args = parser.parse_args()
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
