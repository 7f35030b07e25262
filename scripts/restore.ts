/**
 * `npm run restore -- <file> [--data-dir <dir>]`: brings a backup (npm run backup) into a fresh
 * data directory of the local stack's PostgreSQL: its roles, pg_restore, then every app table,
 * the Vault entry names and the migrations checked against the backup's manifest. Then
 * `HCP_DATA_DIR=<dir> npm start` serves it (the stack keeps the restored Vault hcp_pii_key and
 * sets project_url and scheduler_secret to its own).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compare, fingerprint, manifestFile, restoreInto, type Manifest } from './backup/lib.ts';
import { repoRoot } from './stack/config.ts';
import { freePorts } from './stack/ports.ts';
import { startPostgres } from './stack/postgres.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
const file = positionals[0];
if (!file) {
  console.error('usage: npm run restore -- <backup file> [--data-dir <fresh directory>]');
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '');
const dataDir = path.resolve(values['data-dir'] ?? path.join(repoRoot, '.local', `restored-${stamp}`));
if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
  console.error(`${dataDir} is not empty: restore goes into a fresh data directory only.`);
  process.exit(1);
}
const pgServer = await startPostgres({ dataDir, port: (await freePorts()).postgres, persistent: true });
let ok = false;
try {
  await restoreInto({ dbUrl: pgServer.url, file: path.resolve(file), log: (l) => console.log(l) });
  const mf = manifestFile(path.resolve(file));
  if (existsSync(mf)) {
    const manifest = JSON.parse(readFileSync(mf, 'utf8')) as Manifest;
    const diffs = compare(manifest, await fingerprint(pgServer.url));
    if (diffs.length > 0) {
      console.error(`The restored database differs from the backup's manifest:\n  ${diffs.join('\n  ')}`);
    } else {
      console.log(`verified: ${Object.keys(manifest.tables).length} app tables (counts and md5), Vault entries ${manifest.vault_secrets.join(', ')}, ${manifest.migrations.length} migrations equal the backup's manifest`);
      ok = true;
    }
  } else {
    console.log('no manifest beside the backup: restored, not verified');
    ok = true;
  }
} catch (err) {
  console.error((err as Error).message);
} finally {
  await pgServer.stop();
}
if (!ok) process.exit(1);
console.log(`restored into ${dataDir}\nstart it with: HCP_DATA_DIR=${path.relative(process.cwd(), dataDir) || dataDir} npm start`);
