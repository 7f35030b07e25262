/** What `npm run db:diff` writes must also apply on PostgreSQL 15. */

/** The role that owns everything the migrations create (a Supabase project's `postgres`). */
const OWNER = 'postgres';

/**
 * The diff engine spells out the owner's own privileges (`GRANT … TO "postgres"`) whenever an
 * object's ACL is written, and on PostgreSQL 17 those include MAINTAIN, which PostgreSQL 15 (the
 * self-hosted target, supabase/postgres 15) rejects: the rehearsal's push stopped at such a line.
 * An owner holds them anyway, so the owner is dropped from every GRANT; a grant of MAINTAIN to
 * anyone else would be a real change the target cannot take, and stops the command.
 */
export function portableToPostgres15(sql: string): string {
  return sql.split('\n').flatMap((line) => {
    const m = /^GRANT (.+) ON (.+) TO (.+?);$/.exec(line);
    if (!m) return [line];
    const grantees = m[3]!.split(/,\s*/).filter((g) => g.replaceAll('"', '') !== OWNER);
    if (grantees.length === 0) return [];
    if (/\bMAINTAIN\b/.test(m[1]!)) throw new Error(`MAINTAIN exists from PostgreSQL 17 only; the self-hosted target is 15: ${line}`);
    return [`GRANT ${m[1]} ON ${m[2]} TO ${grantees.join(', ')};`];
  }).join('\n');
}
