/**
 * `npm run backup [-- --db-url <url>] [--out <file>]`: a consistent pg_dump (custom format) of the
 * database — the running local stack's by default — with its roles and a manifest beside it
 * (scripts/backup/lib.ts; README "Backup and restore"). Prints where it wrote.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backup, manifestFile, rolesFile } from './backup/lib.ts';
import { repoRoot } from './stack/config.ts';
import { readRunningState } from './stack/state.ts';

const { values } = parseArgs({ options: { 'db-url': { type: 'string' }, out: { type: 'string' } } });
const dbUrl = values['db-url'] ?? process.env.HCP_BACKUP_DB_URL ?? (await readRunningState())?.dbUrl;
if (!dbUrl) {
  console.error('Nothing to back up: the local stack is not running (npm start), and no --db-url was given.');
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '');
const out = path.resolve(values.out ?? path.join(repoRoot, '.local', 'backups', `hcp-${stamp}.dump`));
mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
try {
  const m = await backup({ dbUrl, out, log: (l) => console.log(l) });
  console.log(`backup: ${out}\nroles: ${rolesFile(out)}\nmanifest: ${manifestFile(out)} (${Object.keys(m.tables).length} tables)`);
  console.log('Keep these files like the PII key: they hold the Vault entries as the server stores them (README "Backup and restore").');
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
