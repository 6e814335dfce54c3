"""The directory: one derived row per registration, with the API's JSON, in alphabetical order.

Rebuilt inside the import's transaction. Rows are inserted sorted by name, so the full-text index
returns matches in alphabetical order by rowid and a search reads only the page it needs instead of
ranking every match (a common prefix such as "rob" matches tens of thousands at scale).
"""

from __future__ import annotations

from sqlite_utils import Database

# Statuses under which an authorization can be used now.
PRACTISING = ("practising",)

_DOC = """
json_object(
  'id', r.id,
  'regulator', json_object('id', g.id, 'name', g.name, 'short_name', g.short_name,
                           'jurisdiction', g.jurisdiction, 'terms_note', g.terms_note,
                           'sample', json(case when g.sample then 'true' else 'false' end)),
  'registration_number', r.registration_number,
  'name', r.name,
  'family_name', r.family_name,
  'given_names', r.given_names,
  'category', r.category,
  'status', r.status,
  'status_class', r.status_class,
  'on_register', json(case when r.removed_at is null then 'true' else 'false' end),
  'no_longer_on_register_since', r.removed_at,
  'conditions', json(coalesce(r.conditions, '[]')),
  'needling', json_object(
     'tracking', g.needling,
     'authorized', json(case when a.kinds is not null then 'true' else 'false' end),
     'authorizations', (select json_group_array(json_object('wording', x.wording, 'kind', x.kind,
                                                            'mechanism', x.mechanism))
                        from (select * from authorizations x where x.registration_id = r.id
                              order by x.id) x)),
  'locations', (select json_group_array(json_object('organization', l.organization,
                    'address', l.address, 'city', l.city, 'province', l.province,
                    'postal_code', l.postal_code, 'phone', l.phone))
                from (select * from practice_locations l where l.registration_id = r.id
                      order by l.position) l),
  'profile_url', r.profile_url,
  'first_seen', r.first_seen,
  'last_seen', r.last_seen,
  'evidence', (select json_group_array(json_object('role', e.role, 'url', e.url,
                    'method', e.method, 'request', e.request, 'fetched_at', e.fetched_at,
                    'sha256', e.sha256, 'import_run', e.run_id))
               from (select * from evidence e where e.registration_id = r.id order by e.role) e)
)
"""

_REBUILD = f"""
insert into directory (id, registration_id, regulator_id, jurisdiction, name, registration_number,
  status, on_register, authorized, kinds, city, province, organization, cities, organizations,
  provinces, kind_tokens, doc)
select
  row_number() over (order by r.sort_key, r.id),
  r.id, r.regulator_id, g.jurisdiction, r.name, r.registration_number, r.status,
  r.removed_at is null,
  a.kinds is not null,
  coalesce(a.kinds, '[]'),
  l0.city, coalesce(l0.province, substr(g.jurisdiction, 4)), l0.organization,
  (select group_concat(city, ' ; ') from practice_locations where registration_id = r.id),
  (select group_concat(organization, ' ; ') from practice_locations where registration_id = r.id),
  lower(substr(g.jurisdiction, 4)) || coalesce(' ' || (select group_concat(distinct lower(province))
      from practice_locations where registration_id = r.id), ''),
  a.tokens,
  {_DOC}
from registrations r
join regulators g on g.id = r.regulator_id
left join practice_locations l0 on l0.registration_id = r.id and l0.position = 0
left join (
  select registration_id,
         json_group_array(distinct kind) as kinds,
         group_concat(distinct replace(kind, '_', '')) as tokens
  from authorizations group by registration_id
) a on a.registration_id = r.id
   and r.removed_at is null and r.status_class in ({", ".join(repr(s) for s in PRACTISING)})
order by r.sort_key, r.id
"""


def rebuild_directory(db: Database) -> None:
    """Recreate the directory and its full-text index from the normalized tables."""
    db.execute("delete from directory")
    db.execute(_REBUILD)
    db.table("directory").rebuild_fts()
