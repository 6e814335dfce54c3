"""A roster's results, kept under a random id so that they can be downloaded and printed later.

After /verify shows a roster's results, its "Download CSV" and "Print all receipts" links name
the batch (`batch_` + 128 random bits, like a receipt id: not enumerable), so nothing is uploaded
again. A batch holds what the page showed (the clinic's own cells, verdicts, receipt ids); the
proof itself (times, source, hashes) is read back from the stored receipts.
"""

from __future__ import annotations

import json
import secrets

from sqlite_utils import Database

from db.load import utcnow
from registry.clinics.roster import column_names, problems_first
from registry.csvsafe import rows_to_csv

ID_PREFIX = "batch_"
PRINT_PAGE = 100  # receipts on one printable page; more are on ?page=2, ...

# The proof columns added to the clinic's own, in this order.
PROOF_COLUMNS = [
    "verdict_in_words",
    "verdict",
    "name_on_register",
    "standing",
    "status",
    "last_listed_status",  # for someone no longer on the register: history, not a status
    "conditions",
    "authorizations",
    "name_warning",
    "regulator_checked",
    "checked_at",
    "receipt_url",
    "source_url",
    "fetched_at",
    "response_sha256",
    "receipt_sha256",
    "error",
    "line",
]


def new_id() -> str:
    return ID_PREFIX + secrets.token_hex(16)


def store(db: Database, header: list[str], results: list[dict]) -> str:
    batch_id = new_id()
    with db.conn:
        db.conn.execute(
            "insert into batches (id, created_at, header, results) values (?, ?, ?, ?)",
            [
                batch_id,
                utcnow(),
                json.dumps(header, ensure_ascii=False),
                json.dumps(results, ensure_ascii=False),
            ],
        )
    return batch_id


def fetch(db: Database, batch_id: str) -> dict | None:
    """{"id", "created_at", "header", "results"} or None when there is no such batch."""
    if not batch_id.startswith(ID_PREFIX) or len(batch_id) > 64:
        return None
    row = db.execute(
        "select created_at, header, results from batches where id = ?", [batch_id]
    ).fetchone()
    if row is None:
        return None
    return {
        "id": batch_id,
        "created_at": row[0],
        "header": json.loads(row[1]),
        "results": json.loads(row[2]),
    }


def receipt_ids(results: list[dict]) -> list[str]:
    """The batch's receipt ids, problem rows first, each once (a repeated row shares one)."""
    return list(dict.fromkeys(r["receipt_id"] for r in problems_first(results) if r["receipt_id"]))


def receipt_digests(db: Database, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            db.execute(
                f"select id, body_sha256 from receipts where id in ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return found


def to_csv(db: Database, batch: dict, base_url: str, words) -> str:
    """The roster as sent, problem rows first, with the proof of each row: check time, verdict in
    words (`words(verdict)`), receipt URL, source URL, fetch time and both hashes. Every cell is
    neutralised for spreadsheets (csvsafe)."""
    header, results = batch["header"], batch["results"]
    digests = receipt_digests(db, receipt_ids(results))
    names = column_names(header)
    rows = [[*header, *PROOF_COLUMNS]]
    for r in problems_first(results):
        rid = r["receipt_id"]
        proof = {
            **r,
            "verdict_in_words": words(r["verdict"] or "error"),
            "receipt_url": f"{base_url}/receipts/{rid}" if rid else None,
            "receipt_sha256": digests.get(rid) if rid else None,
        }
        cells = []
        for c in PROOF_COLUMNS:
            value = proof.get(c)
            cells.append(
                "; ".join(value) if isinstance(value, list) else "" if value is None else value
            )
        rows.append([*(r["input"].get(n, "") for n in names), *cells])
    return rows_to_csv(rows)
