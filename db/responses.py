"""Evidence kept once per response: each response a run's records were read from is one row of
`responses`, and a registration keeps the ids of its responses by role (`response_ids`, JSON such
as {"listing": 12, "detail": 13}). A search reply lists up to 25 people; its URL, request, time
and hash are stored once, not on each of them.
"""

from __future__ import annotations

import json

from scrapers.records import Evidence

# Responses a run remembers to share between records (a reply's records come together); past
# this the memory is cleared, so it stays bounded however large the run. A response seen again
# after that is stored again: an extra row, never a wrong one.
KEPT = 4096

_INSERT = (
    "insert into responses (id, run_id, url, method, request, fetched_at, sha256) "
    "values (?, ?, ?, ?, ?, ?, ?)"
)


class Responses:
    """One run's responses: ids handed out as records are written, rows inserted per batch."""

    def __init__(self, conn, run_id: int) -> None:
        self.conn = conn
        self.run_id = run_id
        self.next_id = (conn.execute("select max(id) from responses").fetchone()[0] or 0) + 1
        self.known: dict[str, tuple[Evidence, int]] = {}  # sha256 -> (response, its id)
        self.pending: list[tuple] = []
        self.roles: dict[str, str] = {}  # role -> its JSON key, escaped once

    def ids(self, evidence: dict[str, Evidence]) -> str:
        """The `response_ids` JSON of a record about to be written; new responses are queued."""
        # Remembered by hash, then compared whole: cheaper than hashing every field each time.
        known, parts = self.known, []
        for role, item in evidence.items():
            seen = known.get(item.sha256)
            if seen is not None and (seen[0] is item or seen[0] == item):
                response_id = seen[1]
            else:
                if len(known) >= KEPT:
                    known.clear()
                response_id = self.next_id
                self.next_id += 1
                known[item.sha256] = (item, response_id)
                self.pending.append(
                    (
                        response_id,
                        self.run_id,
                        item.url,
                        item.method,
                        item.request,
                        item.fetched_at,
                        item.sha256,
                    )
                )
            key = self.roles.get(role)
            if key is None:
                key = self.roles[role] = json.dumps(role, ensure_ascii=False) + ":"
            parts.append(f"{key}{response_id}")
        return "{" + ",".join(parts) + "}"

    def write(self) -> None:
        """Insert the responses queued since the last call."""
        if self.pending:
            self.conn.executemany(_INSERT, self.pending)
            self.pending = []


def evidence_sql(response_ids: str) -> str:
    """A SQL expression for a registration's evidence as the API gives it, from its
    `response_ids` column (`response_ids` names it in the query): a JSON array of {role, url,
    fetched_at, sha256, method, request, import_run}, in the order of its roles. Built by SQLite,
    so a page of results costs one query and no parsing in Python. json_each walks the roles in
    order and each is joined to its response by id, so the array needs no sort (a sorted
    subquery cost a page of results a sixth of its documents' time)."""
    return (
        "(select json_group_array(json_object('role', e.key, 'url', s.url, "
        "'fetched_at', s.fetched_at, 'sha256', s.sha256, 'method', s.method, "
        "'request', s.request, 'import_run', s.run_id)) "
        f"from json_each(coalesce({response_ids}, '{{}}')) e join responses s on s.id = e.value)"
    )
