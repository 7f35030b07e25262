/**
 * Local only: serves every function from one Deno process, routing /<name>/… (the gateway
 * strips /functions/v1) to the handler each function's index.ts also serves on its own.
 * Add a function here when you add its folder; the functions test checks none is missing.
 */
import { errorBody } from '../../../shared/errors.ts';
import { json } from '../_shared/http.ts';
import { handler as authDev } from '../auth-dev/handler.ts';

export const routes: Record<string, (req: Request) => Promise<Response>> = {
  'auth-dev': authDev,
};

function route(req: Request): Promise<Response> | Response {
  const name = new URL(req.url).pathname.split('/')[1] ?? '';
  const target = routes[name];
  if (!target) return json(errorBody('not_found'), 404);
  return target(req);
}

if (import.meta.main) {
  const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54324');
  Deno.serve({ hostname: '127.0.0.1', port, onListen: () => console.log(`functions listening on ${port}`) }, route);
}
