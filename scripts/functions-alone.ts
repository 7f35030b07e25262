/**
 * The deploy shape of the edge functions (issue 14): a copy of `supabase/` alone (no node_modules,
 * no shared/, no repository root) in a temporary directory, and `deno check` of every function's
 * `index.ts` there with the import map the Supabase CLI would pick for it. Deno fetches npm packages
 * from the registry as a deployed bundle does; a function that reaches outside supabase/functions,
 * or needs a local node_modules, fails here.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FUNCTIONS_DIR, functionNames } from './shared-contract.ts';
import { repoRoot } from './stack/config.ts';
import { denoBinary, denoEnv } from './stack/functions.ts';
import { run } from './test-tiers.ts';

/** `[functions.<name>] import_map = "…"` from config.toml (the CLI resolves it against supabase/). */
function configImportMaps(configToml: string): Map<string, string> {
  const maps = new Map<string, string>();
  let section = '';
  for (const line of configToml.split('\n')) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) { section = header[1]!.trim(); continue; }
    const fn = /^functions\.("?)([^"]+)\1$/.exec(section);
    const entry = /^\s*import_map\s*=\s*"([^"]*)"/.exec(line);
    if (fn && entry) maps.set(fn[2]!, entry[1]!);
  }
  return maps;
}

/**
 * The import map `supabase functions deploy` uses for a function, in the CLI's own precedence
 * (internal/functions/deploy GetFunctionConfig): config.toml's import_map, else <name>/deno.json,
 * <name>/deno.jsonc, <name>/import_map.json, else the deprecated functions/import_map.json.
 */
export function cliImportMap(supabaseDir: string, name: string, fromConfig: Map<string, string>): string | undefined {
  const configured = fromConfig.get(name);
  if (configured) return path.resolve(supabaseDir, configured);
  const candidates = ['deno.json', 'deno.jsonc', 'import_map.json'].map((f) => path.join(supabaseDir, 'functions', name, f));
  candidates.push(path.join(supabaseDir, 'functions', 'import_map.json'));
  return candidates.find((f) => existsSync(f));
}

/** Throws with the reason when a function does not type-check from the copy; true when all do. */
export async function checkFunctionsAlone(): Promise<boolean> {
  if (!existsSync(denoBinary)) throw new Error(`no Deno at ${denoBinary} (npm install runs its postinstall)`);
  const names = functionNames(repoRoot);
  if (names.length === 0) throw new Error(`no functions found under ${FUNCTIONS_DIR}`);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hcp-functions-alone-'));
  const supabaseDir = path.join(scratch, 'supabase');
  try {
    // supabase/ alone; .temp is the CLI's own cache, not part of what is deployed.
    cpSync(path.join(repoRoot, 'supabase'), supabaseDir, { recursive: true, filter: (src) => path.basename(src) !== '.temp' });
    const fromConfig = configImportMaps(readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8'));
    // Every [functions.<name>] in config.toml must be a function the CLI finds, or deploy fails.
    const declared = [...readFileSync(path.join(supabaseDir, 'config.toml'), 'utf8').matchAll(/^\s*\[functions\.("?)([^"\]]+)\1\]/gm)].map((m) => m[2]!);
    const problems: string[] = declared.filter((d) => !names.includes(d)).map((d) => `${d}: in config.toml but no supabase/functions/${d}/index.ts`);

    // Two at a time: each check is one Deno process, most of it start-up and npm type loading.
    const checkOne = async (name: string): Promise<string | undefined> => {
      const dir = path.join(supabaseDir, 'functions', name);
      const importMap = cliImportMap(supabaseDir, name, fromConfig);
      if (!importMap) return `${name}: no import map the CLI would read (run \`npm run sync:shared\`)`;
      // A deno.json is a config (the edge runtime reads it as one); anything else is a plain import map.
      const mapArgs = /deno\.jsonc?$/.test(importMap) ? [`--config=${importMap}`] : ['--no-config', `--import-map=${importMap}`];
      const { code, output } = await run(denoBinary, ['check', ...mapArgs, 'index.ts'], {
        cwd: dir,
        capture: true,
        // The shared DENO_DIR caches only what the registry served; node_modules is not in reach.
        env: denoEnv({}),
      });
      if (code === 0) return undefined;
      const lines = output.trim().split('\n').filter((l) => !l.startsWith('Download '));
      return `${name} (import map ${path.relative(supabaseDir, importMap)}):\n${lines.slice(0, 15).join('\n')}`;
    };
    const queue = [...names];
    await Promise.all([0, 1].map(async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const problem = await checkOne(name);
        if (problem) problems.push(problem);
      }
    }));
    if (problems.length > 0) throw new Error(`functions that do not type-check from a copy of supabase/ alone:\n${problems.join('\n\n')}`);
    console.log(`deno check passed for ${names.length} functions from ${supabaseDir}: ${names.join(', ')}`);
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
