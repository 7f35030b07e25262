/**
 * What the catalogue of a database says about its definition, as one line per fact, keyed by the
 * object it belongs to: schemas, tables and views (with RLS switches, owners, grants, view
 * bodies), columns (position, type, default, nullability, identity, generation, column grants),
 * constraints, indexes, sequences, types, functions (pg_get_functiondef: body, volatility,
 * security, settings), their grants, triggers, policies, rules, extensions, default privileges
 * and every comment. Two databases with the same snapshot have the same definition; their
 * rows (data) are not compared.
 *
 * Used by the parity check (supabase/schemas/ against supabase/migrations) and by `npm run
 * db:diff` to prove the generated migration closes the difference. No import.meta here, so
 * jest can load it.
 */
import type pg from 'pg';

/** Schemas that belong to PostgreSQL itself, never compared. */
const SYSTEM = `('pg_catalog', 'information_schema', 'pg_toast')`;
/** The namespaces compared: every non-system schema except what the CLI records migrations in. */
const NS = `n.nspname not in ${SYSTEM} and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`;
/** Objects that an extension owns are the extension's, not ours (they come with `create extension`). */
const notExt = (cls: string, oid: string) =>
  `not exists (select from pg_depend d where d.classid = '${cls}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

/** Sorted ACL text, so `{a,b}` and `{b,a}` compare equal; null (the default) stays null. */
const acl = (col: string) => `(select string_agg(a::text, ',' order by a::text) from unnest(${col}) a)`;
/** The same for an object's ACL, where null means the owner's default: compared as that default, so
 * `grant … to public` restoring the default reads the same as never having revoked it. */
const objAcl = (col: string, kind: string, owner: string) => acl(`coalesce(${col}, acldefault((${kind})::"char", ${owner}))`);

const QUERIES: Record<string, string> = {
  schema: `
    select n.nspname as key,
           concat_ws(' | ', 'owner ' || pg_get_userbyid(n.nspowner), 'acl ' || ${objAcl('n.nspacl', `'n'`, 'n.nspowner')},
                     'comment ' || obj_description(n.oid, 'pg_namespace')) as value
      from pg_namespace n where ${NS} and ${notExt('pg_namespace', 'n.oid')}`,
  relation: `
    select format('%I.%I', n.nspname, c.relname) as key,
           concat_ws(' | ', 'kind ' || c.relkind::text, 'owner ' || pg_get_userbyid(c.relowner),
                     case when c.relrowsecurity then 'rls on' end, case when c.relforcerowsecurity then 'forcerls' end,
                     'options ' || array_to_string(c.reloptions, ','), 'acl ' || ${objAcl('c.relacl', `case when c.relkind = 'S' then 's' else 'r' end::"char"`, 'c.relowner')},
                     'persistence ' || c.relpersistence::text, 'comment ' || obj_description(c.oid, 'pg_class'),
                     case when c.relkind in ('v', 'm') then 'definition ' || pg_get_viewdef(c.oid) end) as value
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where ${NS} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S', 'c') and ${notExt('pg_class', 'c.oid')}`,
  column: `
    select format('%I.%I.%I', n.nspname, c.relname, a.attname) as key,
           concat_ws(' | ', 'position ' || row_number() over (partition by c.oid order by a.attnum),
                     'type ' || format_type(a.atttypid, a.atttypmod), case when a.attnotnull then 'not null' end,
                     'default ' || pg_get_expr(ad.adbin, ad.adrelid),
                     case a.attidentity when 'a' then 'identity always' when 'd' then 'identity by default' end,
                     case a.attgenerated when 's' then 'generated stored' end,
                     'collation ' || nullif(co.collname, 'default'), 'acl ' || ${acl('a.attacl')},
                     'comment ' || col_description(c.oid, a.attnum)) as value
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
      left join pg_collation co on co.oid = a.attcollation and a.attcollation <> 0
     where ${NS} and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c') and a.attnum > 0 and not a.attisdropped
       and ${notExt('pg_class', 'c.oid')}`,
  constraint: `
    select format('%I.%I %I', n.nspname, coalesce(c.relname, t.typname), k.conname) as key,
           concat_ws(' | ', pg_get_constraintdef(k.oid), case when k.condeferrable then 'deferrable' end,
                     case when k.condeferred then 'initially deferred' end, case when not k.convalidated then 'not valid' end,
                     'comment ' || obj_description(k.oid, 'pg_constraint')) as value
      from pg_constraint k join pg_namespace n on n.oid = k.connamespace
      left join pg_class c on c.oid = k.conrelid left join pg_type t on t.oid = k.contypid
     where ${NS} and ${notExt('pg_class', 'coalesce(k.conrelid, 0)')} and k.contype <> 'n'`,
  index: `
    select format('%I.%I', n.nspname, c.relname) as key,
           concat_ws(' | ', pg_get_indexdef(c.oid), 'comment ' || obj_description(c.oid, 'pg_class')) as value
      from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
     where ${NS} and ${notExt('pg_class', 'i.indrelid')}`,
  sequence: `
    select format('%I.%I', n.nspname, c.relname) as key,
           concat_ws(' | ', 'type ' || format_type(s.seqtypid, null), 'start ' || s.seqstart, 'increment ' || s.seqincrement,
                     'min ' || s.seqmin, 'max ' || s.seqmax, 'cache ' || s.seqcache, case when s.seqcycle then 'cycle' end,
                     'owned by ' || (select format('%s.%I', d.refobjid::regclass, a.attname)
                                       from pg_depend d join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                                      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')
                                        and d.refclassid = 'pg_class'::regclass limit 1)) as value
      from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
     where ${NS} and ${notExt('pg_class', 'c.oid')}`,
  type: `
    select format('%I.%I', n.nspname, t.typname) as key,
           concat_ws(' | ', 'kind ' || t.typtype::text, 'owner ' || pg_get_userbyid(t.typowner), 'acl ' || ${objAcl('t.typacl', `'T'`, 't.typowner')},
                     case t.typtype when 'e' then 'labels ' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)
                                    when 'd' then 'base ' || format_type(t.typbasetype, t.typtypmod) || coalesce(' default ' || t.typdefault, '') || case when t.typnotnull then ' not null' else '' end end,
                     'comment ' || obj_description(t.oid, 'pg_type')) as value
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where ${NS} and t.typtype in ('e', 'd', 'r', 'm') and ${notExt('pg_type', 't.oid')}`,
  function: `
    select p.oid::regprocedure::text as key,
           concat_ws(' | ', 'owner ' || pg_get_userbyid(p.proowner), 'acl ' || ${objAcl('p.proacl', `'f'`, 'p.proowner')},
                     'comment ' || obj_description(p.oid, 'pg_proc'),
                     'definition ' || case when p.prokind = 'a' then 'aggregate' else pg_get_functiondef(p.oid) end) as value
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where ${NS} and ${notExt('pg_proc', 'p.oid')}`,
  trigger: `
    select format('%s %I', t.tgrelid::regclass, t.tgname) as key,
           concat_ws(' | ', pg_get_triggerdef(t.oid), 'enabled ' || t.tgenabled::text, 'comment ' || obj_description(t.oid, 'pg_trigger')) as value
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
     where ${NS} and not t.tgisinternal and ${notExt('pg_class', 'c.oid')}`,
  policy: `
    select format('%s %I', p.polrelid::regclass, p.polname) as key,
           concat_ws(' | ', case when p.polpermissive then 'permissive' else 'restrictive' end, 'for ' || p.polcmd::text,
                     'to ' || (select string_agg(case r when 0 then 'public' else pg_get_userbyid(r) end, ',' order by 1) from unnest(p.polroles) r),
                     'using ' || pg_get_expr(p.polqual, p.polrelid), 'check ' || pg_get_expr(p.polwithcheck, p.polrelid),
                     'comment ' || obj_description(p.oid, 'pg_policy')) as value
      from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
     where ${NS} and ${notExt('pg_class', 'c.oid')}`,
  rule: `
    select format('%I.%I %I', schemaname, tablename, rulename) as key, definition as value
      from pg_rules where schemaname not in ${SYSTEM}`,
  extension: `
    select e.extname as key, concat_ws(' | ', 'schema ' || e.extnamespace::regnamespace, 'comment ' || obj_description(e.oid, 'pg_extension')) as value
      from pg_extension e`,
  'default privileges': `
    select format('for %s in %s on %s', pg_get_userbyid(d.defaclrole), coalesce(d.defaclnamespace::regnamespace::text, 'all schemas'), d.defaclobjtype::text) as key,
           ${acl('d.defaclacl')} as value
      from pg_default_acl d`,
  'event trigger': `
    select evtname as key, concat_ws(' | ', evtevent, evtfoid::regproc::text, evtenabled::text, array_to_string(evttags, ',')) as value
      from pg_event_trigger`,
  publication: `select pubname as key, concat_ws(' | ', puballtables, pubinsert, pubupdate, pubdelete) as value from pg_publication`,
};

/** kind → key → description. */
export type Snapshot = Map<string, Map<string, string>>;

export async function snapshot(client: pg.Client): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const [kind, sql] of Object.entries(QUERIES)) {
    const { rows } = await client.query<{ key: string; value: string | null }>(sql);
    const byKey = new Map<string, string>();
    for (const r of rows) {
      if (byKey.has(r.key)) throw new Error(`catalogue snapshot: two ${kind} rows for ${r.key}`);
      byKey.set(r.key, r.value ?? '');
    }
    out.set(kind, byKey);
  }
  return out;
}

/** One readable line (or block) per difference, "kind key: only in A / only in B / A vs B". */
export function compare(a: Snapshot, b: Snapshot, names: { a: string; b: string }): string[] {
  const lines: string[] = [];
  for (const [kind, am] of a) {
    const bm = b.get(kind) ?? new Map<string, string>();
    const keys = [...new Set([...am.keys(), ...bm.keys()])].sort();
    for (const key of keys) {
      const av = am.get(key);
      const bv = bm.get(key);
      if (av === bv) continue;
      if (av === undefined) lines.push(`${kind} ${key}: only in ${names.b}`);
      else if (bv === undefined) lines.push(`${kind} ${key}: only in ${names.a}`);
      else lines.push(`${kind} ${key} differs:\n${describe(av, bv, names)}`);
    }
  }
  return lines;
}

/** The parts (`a | b | c`) of two descriptions that differ, and for a long body the first differing lines. */
function describe(av: string, bv: string, names: { a: string; b: string }): string {
  const ap = av.split(' | ');
  const bp = bv.split(' | ');
  const out: string[] = [];
  const label = (p: string) => p.split(' ')[0] ?? p;
  const bByLabel = new Map(bp.map((p) => [label(p), p]));
  const aByLabel = new Map(ap.map((p) => [label(p), p]));
  for (const l of new Set([...aByLabel.keys(), ...bByLabel.keys()])) {
    const x = aByLabel.get(l);
    const y = bByLabel.get(l);
    if (x === y) continue;
    if (x && y && x.includes('\n')) {
      const xl = x.split('\n');
      const yl = y.split('\n');
      const i = xl.findIndex((line, n) => line !== yl[n]);
      out.push(`    ${l}: first differs at line ${i + 1}:\n      ${names.a}: ${xl[i] ?? '(end)'}\n      ${names.b}: ${yl[i] ?? '(end)'}`);
    } else {
      out.push(`    ${names.a}: ${x ?? '(none)'}\n    ${names.b}: ${y ?? '(none)'}`);
    }
  }
  return out.join('\n');
}
