/** Every function folder is deployable on its own and served by the local router. */
import { assertEquals } from './assert.ts';
import { loadRoutes } from '../../functions/_local/serve.ts';

const functionsDir = new URL('../../functions/', import.meta.url);

Deno.test('each function has index.ts (Deno.serve) and handler.ts, and the local router serves it', async () => {
  const names: string[] = [];
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith('_')) continue;
    names.push(entry.name);
    const index = await Deno.readTextFile(new URL(`${entry.name}/index.ts`, functionsDir));
    assertEquals(/Deno\.serve\(handler\)/.test(index), true);
    await Deno.stat(new URL(`${entry.name}/handler.ts`, functionsDir));
  }
  assertEquals(names.sort(), Object.keys(await loadRoutes()).sort());
});
