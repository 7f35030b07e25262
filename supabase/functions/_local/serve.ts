/**
 * Local only: serves every function from one Deno process, routing /<name>/… (the gateway
 * strips /functions/v1) to the `handler` that the function's index.ts also serves on its own.
 * Functions are found by folder (every folder not starting with `_` that has a handler.ts), so
 * adding a function needs no change here.
 */
import { errorBody } from '../_shared/contract/errors.ts';
import { json } from '../_shared/http.ts';

type Handler = (req: Request) => Promise<Response>;

const functionsDir = new URL('../', import.meta.url);

/** Every function folder's handler, by folder name. */
export async function loadRoutes(): Promise<Record<string, Handler>> {
  const routes: Record<string, Handler> = {};
  for await (const entry of Deno.readDir(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith('_')) continue;
    const mod: { handler?: Handler } = await import(new URL(`${entry.name}/handler.ts`, functionsDir).href);
    if (typeof mod.handler !== 'function') throw new Error(`${entry.name}/handler.ts exports no handler`);
    routes[entry.name] = mod.handler;
  }
  return routes;
}

function router(routes: Record<string, Handler>) {
  return (req: Request): Promise<Response> | Response => {
    const name = new URL(req.url).pathname.split('/')[1] ?? '';
    const target = routes[name];
    if (!target) return json(errorBody('not_found'), 404);
    return target(req);
  };
}

if (import.meta.main) {
  const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54324');
  const routes = await loadRoutes();
  Deno.serve({ hostname: '127.0.0.1', port, onListen: () => console.log(`functions listening on ${port}: ${Object.keys(routes).sort().join(', ')}`) }, router(routes));
}
