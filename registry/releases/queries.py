"""Saved queries for researchers, published as Datasette canned queries (metadata "queries").

Each runs on a live database and on a release, with named parameters where a question needs one;
an optional parameter left empty means "all". Canned queries still run when arbitrary SQL is off.
"""

from __future__ import annotations

from dataclasses import dataclass

# A date means the end of that day, as in the API's as_of (registry/lookup/history.py).
_AT = "case when length(:as_of) = 10 then :as_of || 'T23:59:59Z' else :as_of end"


_ONE_REGISTRATION = {
    "registration_id": "Registration id, e.g. cpo:12345 (use it for Ontario; empty: by number)",
    "regulator": "Regulator key, e.g. cpta (with the number)",
    "registration_number": "Registration number as listed (with the regulator)",
}


# One registration, by id or by regulator and number; each branch is an index lookup.
_CHOSEN = """
  select id from registrations where id = :registration_id
  union all
  select id from registrations
  where :registration_id = '' and :registration_number != ''
    and regulator_id = :regulator and registration_number = :registration_number"""

# Every registration, or one regulator's: the branches are exclusive, and each is decided by
# its parameters alone, so SQLite skips the others without reading a row.
_ALL = "(:registration_id = '' and :registration_number = '')"


def _state_as_of() -> str:
    current = """
select
  r.regulator_id,
  r.id as registration_id,
  r.registration_number,
  r.name,
  r.status,
  r.status_class,
  r.removed_at is null as on_register,
  (select group_concat(kind, ' ') from (
    select distinct kind from authorizations a where a.registration_id = r.id order by kind
  )) as kinds,
  coalesce(r.valid_since, r.first_seen) as valid_from,
  null as valid_to
from registrations r, at
where coalesce(r.valid_since, r.first_seen) <= at.t and """
    earlier = """
select
  v.regulator_id,
  v.registration_id,
  json_extract(v.state, '$.registration_number'),
  json_extract(v.state, '$.name'),
  json_extract(v.state, '$.status'),
  json_extract(v.state, '$.status_class'),
  json_extract(v.state, '$.on_register'),
  (select group_concat(k, ' ') from (
    select distinct json_extract(value, '$.kind') as k
    from json_each(v.state, '$.authorizations') order by k
  )),
  v.valid_from,
  v.valid_to
from registration_versions v, at
where v.valid_from <= at.t and v.valid_to > at.t and """
    return f"""
with at as (select {_AT} as t)
{current}{_ALL} and :regulator = ''
union all
{current}{_ALL} and :regulator != '' and r.regulator_id = :regulator
union all
{current}r.id in ({_CHOSEN})
union all
{earlier}{_ALL} and (:regulator = '' or v.regulator_id = :regulator)
union all
{earlier}v.registration_id in ({_CHOSEN})
"""


@dataclass(frozen=True)
class Query:
    title: str
    description: str
    sql: str
    params: dict[str, str]  # name -> what to enter; "" in a query means "all" for optional ones


QUERIES: dict[str, Query] = {
    "authorizations_by_place": Query(
        "Authorizations per province, city and kind",
        "People on the register holding each kind of needling authorization, per province and "
        "city of their practice locations (someone with two locations counts in both). Where a "
        "register publishes no location, the province is the regulator's and the city is empty. "
        "Read from the summary table place_authorizations, which each import keeps up to date.",
        """
select
  province,
  city,
  kind,
  sum(registrations) as registrations,
  sum(practising) as practising
from place_authorizations
where (:province = '' or province = upper(:province))
  and (:kind = '' or kind = :kind)
group by 1, 2, 3
order by province, city, kind
""",
        {
            "province": "Province or state code, e.g. AB (empty: all)",
            "kind": "dry_needling, ims, acupuncture or needling (empty: all)",
        },
    ),
    "grants_and_removals_per_month": Query(
        "Authorizations granted and removed per month",
        "From the events between runs: authorizations granted to and removed from people on the "
        "register, and people who appeared on or left the register holding one, per month and "
        "regulator (its key and its name). A source's first run is its starting state and counts "
        "as neither. Drawn above the table as a chart of granted and removed, one panel per "
        "regulator, headed by its name.",
        """
select
  substr(e.at, 1, 7) as month,
  e.regulator_id,
  (select g.name from regulators g where g.id = e.regulator_id) as regulator,
  sum(e.kind = 'authorization_granted') as granted,
  sum(e.kind = 'authorization_removed') as removed,
  sum(e.kind = 'appeared'
      and json_array_length(e.detail, '$.after.authorizations') > 0) as appeared_authorized,
  sum(e.kind = 'left'
      and json_array_length(e.detail, '$.before.authorizations') > 0) as left_authorized
from events e
where e.kind in ('authorization_granted', 'authorization_removed', 'appeared', 'left')
  and (:regulator = '' or e.regulator_id = :regulator)
group by 1, 2
having granted + removed + appeared_authorized + left_authorized > 0
order by month, e.regulator_id
""",
        {"regulator": "Regulator key, e.g. cpta (empty: all)"},
    ),
    "authorized_per_city_per_month": Query(
        "Authorized people per city, month by month",
        "How many people could needle in each city at the end of each month, from the month "
        "the registers were first read to the month they were last read: people on the "
        "register, practising, and holding a needling authorization of any kind, counted in "
        "the city of each of their practice "
        "locations then (someone with two locations counts in both; where a register "
        "publishes no location, the province is the regulator's and the city is empty). Read "
        "from each registration's states over time (registrations and registration_versions), "
        "so a month's count is what the registers showed then. Drawn above the table as a "
        "chart, one panel per city (the cities with the most people first). Give a province, "
        "or a city too, to follow one place; at a national scale, run it on a release's "
        "database file.",
        """
with recursive months(month) as (
  select substr(min(coalesce(valid_since, first_seen)), 1, 7) from registrations
  union all
  select strftime('%Y-%m', month || '-01', '+1 month') from months
  where month < (select substr(max(last_seen), 1, 7) from registrations)
),
ends as (
  select month, strftime('%Y-%m-%dT%H:%M:%SZ', month || '-01', '+1 month') as t from months
),
states as (
  select
    r.regulator_id,
    r.id as registration_id,
    coalesce(r.valid_since, r.first_seen) as valid_from,
    null as valid_to,
    (select json_group_array(json_object('city', l.city, 'province', l.province))
     from practice_locations l where l.registration_id = r.id) as locations
  from registrations r
  where r.removed_at is null and r.status_class = 'practising'
    and exists (select 1 from authorizations a where a.registration_id = r.id)
  union all
  select v.regulator_id, v.registration_id, v.valid_from, v.valid_to,
    json_extract(v.state, '$.locations')
  from registration_versions v
  where json_extract(v.state, '$.on_register')
    and json_extract(v.state, '$.status_class') = 'practising'
    and json_array_length(v.state, '$.authorizations') > 0
),
placed as (
  select
    e.month,
    s.registration_id,
    upper(coalesce(nullif(trim(json_extract(l.value, '$.province')), ''),
                   substr(g.jurisdiction, 4))) as province,
    coalesce(trim(json_extract(l.value, '$.city')), '') as city
  from ends e
  join states s on s.valid_from < e.t and (s.valid_to is null or s.valid_to >= e.t)
  join regulators g on g.id = s.regulator_id
  left join json_each(case when json_array_length(s.locations) > 0 then s.locations end) l
)
select month, province, city, count(distinct registration_id) as authorized
from placed
where (:province = '' or province = upper(:province))
  and (:city = '' or lower(city) = lower(:city))
group by 1, 2, 3
order by month, province, city
""",
        {
            "province": "Province or state code, e.g. AB (empty: all)",
            "city": "City as the registers print it, e.g. Red Deer (empty: all)",
        },
    ),
    "grants_and_removals_per_regulator": Query(
        "Authorizations granted and removed per regulator",
        "The totals of grants_and_removals_per_month for each regulator, over the months from "
        "since to until (YYYY-MM, both included; empty: from the first, to the last), drawn as a "
        "chart above the table.",
        """
select
  e.regulator_id,
  sum(e.kind = 'authorization_granted') as granted,
  sum(e.kind = 'authorization_removed') as removed,
  min(substr(e.at, 1, 7)) as first_month,
  max(substr(e.at, 1, 7)) as last_month
from events e
where e.kind in ('authorization_granted', 'authorization_removed')
  and (:since = '' or substr(e.at, 1, 7) >= :since)
  and (:until = '' or substr(e.at, 1, 7) <= :until)
group by 1
order by e.regulator_id
""",
        {
            "since": "First month, e.g. 2026-01 (empty: from the first)",
            "until": "Last month, e.g. 2026-12 (empty: to the last)",
        },
    ),
    "coverage_per_regulator": Query(
        "Coverage per regulator",
        "Every regulator we cover or list: whether its register records needling, its last "
        "successful import with how many people were on the register and how many may needle, "
        "how many registrations we have ever seen, and its terms.",
        """
select
  g.id as regulator_id,
  g.jurisdiction,
  g.name,
  g.needling,
  g.mechanism,
  g.coverage,
  g.sample,
  last.first_started_at as first_import,
  last.ended_at as last_import,
  coalesce(last.successful_runs, 0) as successful_runs,
  last.on_register,
  last.authorized,
  coalesce(last.registrations_ever, 0) as registrations_ever,
  g.register_url,
  g.terms_note
from regulators g
left join last_successful_runs last on last.regulator_id = g.id
order by g.coverage = 'supported' desc, g.jurisdiction
""",
        {},
    ),
    "registration_history": Query(
        "History of one registration",
        "Every state a registration has been in (from when, until when) and every change seen "
        "between runs, oldest first. Give the registration id (e.g. cpo:12345, from the "
        "directory or registrations table), or the regulator and the number. Use the id for "
        "Ontario: its numbers are masked on its register, so one number may match several "
        "people there.",
        """
with chosen as (
  select * from registrations where id = :registration_id
  union all
  select * from registrations
  where :registration_id = '' and regulator_id = :regulator
    and registration_number = :registration_number
)
select
  c.id as registration_id,
  coalesce(c.valid_since, c.first_seen) as at,
  'state' as entry,
  'current' as kind,
  c.status,
  null as valid_to,
  json_object(
    'registration_number', c.registration_number, 'name', c.name, 'category', c.category,
    'status', c.status, 'status_class', c.status_class,
    'conditions', json(coalesce(c.conditions, '[]')),
    'authorizations', (
      select json_group_array(json_object('wording', a.wording, 'kind', a.kind,
                                          'mechanism', a.mechanism))
      from authorizations a where a.registration_id = c.id),
    'on_register', json(case when c.removed_at is null then 'true' else 'false' end)
  ) as detail
from chosen c
union all
select v.registration_id, v.valid_from, 'state', 'earlier', json_extract(v.state, '$.status'),
  v.valid_to, v.state
from registration_versions v join chosen c on c.id = v.registration_id
union all
select e.registration_id, e.at, 'event', e.kind, null, null, e.detail
from events e join chosen c on c.id = e.registration_id
order by registration_id, at, entry
""",
        _ONE_REGISTRATION,
    ),
    "evidence_of_registration": Query(
        "Evidence of one registration",
        "The responses from the register that a registration's current state was read from: "
        "what was requested (URL, method, form sent), when, by which import run, and the SHA-256 "
        "of the bytes received, which names the response in that run's evidence archive. "
        "Give the registration id, or the regulator and the number; use the id for Ontario, "
        "whose numbers are masked on its register (one number may match several people).",
        """
select
  r.id as registration_id,
  r.name,
  e.key as role,
  s.url,
  s.method,
  s.request,
  s.fetched_at,
  s.sha256,
  s.run_id
from (
  select * from registrations where id = :registration_id
  union all
  select * from registrations
  where :registration_id = '' and regulator_id = :regulator
    and registration_number = :registration_number
) r, json_each(r.response_ids) e
join responses s on s.id = e.value
order by r.id, e.id
""",
        _ONE_REGISTRATION,
    ),
    "state_as_of": Query(
        "State of the registers as of a date",
        "Each registration's state in force at the end of a date (or at a UTC date-time): its "
        "number, name, standing, whether it was on the register and the kinds of needling "
        "authorization it held, with the interval that state was in force. Give a registration "
        "id (use it for Ontario, whose numbers are masked), or a regulator and a number, for one "
        "registration; leave them empty for all. Rows come in storage order, unsorted, so that "
        "the first page is quick on a large register (a web page stops at 1,000 rows: for every "
        "row, run the SQL on a release's database file).",
        _state_as_of(),
        {
            "as_of": "A date (2026-06-30: the end of that day) or a UTC date-time",
            "regulator": "Regulator key, e.g. cpta (empty: all)",
            "registration_id": "Registration id, e.g. cpo:12345 (empty: all)",
            "registration_number": "Registration number as listed, with the regulator (empty: all)",
        },
    ),
}
