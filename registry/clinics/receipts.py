"""Receipts: each verification answer frozen, with its evidence, under an unguessable id.

The id is random (128 bits, `secrets`), not derived from the content: a receipt says that someone
checked a person at a time, which is the clinic's business, so ids must not be enumerable from
public data. The content is fixed by its SHA-256 (`body_sha256`), which the receipt page prints so
that an auditor can compare a printed copy with the stored one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any, cast

from sqlite_utils import Database

from registry.clinics.verify import VerifyAnswer, canonical

ID_PREFIX = "rcpt_"


def new_id() -> str:
    return ID_PREFIX + secrets.token_hex(16)


def store(
    db: Database, answers: list[VerifyAnswer], recent=None, client: str = ""
) -> list[VerifyAnswer]:
    """Give each answer a receipt id and keep it, all in one transaction. Returns the answers.

    With `recent` (registry.limits.Recent), an answer identical to one this client was given
    within its window becomes that receipt again (in place) and stores nothing new.
    """
    rows: list = []
    fresh: dict = {}
    for answer in answers:
        key = recent.key(client, answer) if recent else None
        earlier = (fresh.get(key) or recent.get(key)) if recent else None
        if earlier is not None:
            same = cast("dict[str, Any]", answer)  # the earlier answer, in place
            same.clear()
            same.update(json.loads(earlier))
            continue
        answer["receipt"]["id"] = new_id()
        body = canonical(answer)
        if recent:
            fresh[key] = body
        rows.append(
            {
                "id": answer["receipt"]["id"],
                "checked_at": answer["receipt"]["checked_at"],
                "regulator_id": answer["regulator"]["id"],
                "registration_number": answer["query"]["registration_number"],
                "verdict": answer["verdict"],
                "body": body,
                "body_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            }
        )
    if rows:
        columns = list(rows[0])
        with db.conn:  # one transaction for the whole batch
            db.conn.executemany(
                f"insert into receipts ({', '.join(columns)}) "
                f"values ({', '.join('?' * len(columns))})",
                [list(r.values()) for r in rows],
            )
    for key, body in fresh.items():  # only once stored
        recent.put(key, body)
    return answers


def fetch_text(db: Database, receipt_id: str) -> tuple[str, str] | None:
    """A stored receipt's JSON text, exactly as stored, and its SHA-256; or None."""
    if not receipt_id.startswith(ID_PREFIX) or len(receipt_id) > 64:
        return None
    row = db.execute("select body, body_sha256 from receipts where id = ?", [receipt_id]).fetchone()
    return (row[0], row[1]) if row else None


def fetch(db: Database, receipt_id: str) -> tuple[dict, str] | None:
    """A stored receipt and the SHA-256 of its body, or None."""
    found = fetch_text(db, receipt_id)
    return (json.loads(found[0]), found[1]) if found else None
