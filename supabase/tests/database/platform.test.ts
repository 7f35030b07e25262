/**
 * The local stand-in for Supabase's platform (scripts/stack/platform-bootstrap.sql) and the
 * migration bookkeeping: what migrations may rely on existing before they run.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { as, connect, type Db, user } from '../../../tests/support/db.ts';
import { stackEnv } from '../../../tests/support/env.ts';

let db: Db;
beforeAll(async () => { db = await connect(); });
afterAll(async () => { await db.end(); });

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const someone = '11111111-2222-4333-8444-555555555555';

describe('auth helpers with Supabase semantics', () => {
  test('auth.uid(), auth.role() and auth.jwt() read the claims PostgREST sets', async () => {
    const row = await as(db, user(someone), async (q) =>
      (await q(`select auth.uid() as uid, auth.role() as role, auth.jwt() ->> 'sub' as sub`)).rows[0]);
    expect(row).toEqual({ uid: someone, role: 'authenticated', sub: someone });
  });

  test('auth.uid() also reads the legacy request.jwt.claim.sub', async () => {
    await db.query('begin');
    try {
      await db.query(`select set_config('request.jwt.claim.sub', $1, true)`, [someone]);
      const { rows } = await db.query('select auth.uid() as uid');
      expect(rows[0].uid).toBe(someone);
    } finally {
      await db.query('rollback');
    }
  });

  test('without claims auth.uid() is null', async () => {
    const { rows } = await db.query('select auth.uid() as uid, auth.role() as role');
    expect(rows[0]).toEqual({ uid: null, role: null });
  });
});

describe('API roles', () => {
  test('anon, authenticated and service_role exist; only service_role bypasses RLS; authenticator can become each', async () => {
    const { rows } = await db.query(
      `select rolname, rolbypassrls, rolcanlogin,
              pg_has_role('authenticator', oid, 'member') as authenticator_member
         from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by rolname`,
    );
    expect(rows).toEqual([
      { rolname: 'anon', rolbypassrls: false, rolcanlogin: false, authenticator_member: true },
      { rolname: 'authenticated', rolbypassrls: false, rolcanlogin: false, authenticator_member: true },
      { rolname: 'service_role', rolbypassrls: true, rolcanlogin: false, authenticator_member: true },
    ]);
  });
});

describe('migration bookkeeping', () => {
  test('every file in supabase/migrations is recorded once, in order, with its statements', async () => {
    const files = readdirSync(path.join(__dirname, '..', '..', 'migrations')).filter((f) => f.endsWith('.sql')).sort();
    const { rows } = await db.query<{ version: string; name: string; n: number }>(
      `select version, name, cardinality(statements) as n from supabase_migrations.schema_migrations order by version`,
    );
    expect(rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(files);
    for (const r of rows) expect(r.n).toBeGreaterThan(0);
  });

  test('a database brought up by the migrations the baseline replaced is refused, with what to do, and nothing is applied', async () => {
    const name = `hcp_pre_baseline_${process.pid}`;
    const url = new URL(stackEnv.dbUrl);
    url.pathname = `/${name}`;
    await db.query(`create database ${name}`);
    try {
      const old = new pg.Client({ connectionString: url.toString() });
      await old.connect();
      try {
        // What a data directory from before the baseline has: the platform, and the first of the
        // 103 migrations recorded (here without its objects: the refusal must come first).
        await old.query(await readFile(path.join(repoRoot, 'scripts', 'stack', 'platform-bootstrap.sql'), 'utf8'));
        await old.query(`insert into supabase_migrations.schema_migrations (version, name, statements) values ('20261129160000', 'api_privileges', '{select 1}')`);
        // What `npm start` runs on a kept data directory (scripts/stack/migrate.ts is ESM: a child).
        const output = await new Promise<string>((resolve) => {
          execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
            `import { migrate } from './scripts/stack/migrate.ts';
             await migrate(${JSON.stringify(url.toString())}, { seed: false, projectUrl: 'http://127.0.0.1:54321' })
               .then(() => console.log('migrated'), (err) => console.log(err.message));`],
          { cwd: repoRoot }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
        });
        expect(output).toMatch(/recorded 1 migration\(s\) that supabase\/migrations no longer has \(first 20261129160000\).*fresh data directory/);
        const { rows } = await old.query(`select (select count(*)::int from supabase_migrations.schema_migrations) as recorded, to_regnamespace('app') is not null as has_app`);
        expect(rows[0]).toEqual({ recorded: 1, has_app: false });
      } finally {
        await old.end();
      }
    } finally {
      await db.query(`drop database if exists ${name} with (force)`);
    }
  });
});
