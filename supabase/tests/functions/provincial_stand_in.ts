/**
 * The provincial intake stand-in (provincial_intake.ts) on Deno.serve, on a free loopback port,
 * for the function tests: they start their own, point report-upstream's handler factory at it
 * and steer it through its control routes.
 */
import { createProvincialIntake, PROVINCIAL_PATH, type ProvincialState } from './provincial_intake.ts';

export interface ProvincialStandIn {
  url: string;
  appKey: string;
  fault(f: { mode: 'error' | 'timeout' | 'slow'; status?: number; delay_ms?: number; times?: number }): Promise<void>;
  clearFault(): Promise<void>;
  reject(projectNos: string[], code?: string): Promise<void>;
  clearRejects(): Promise<void>;
  state(): Promise<ProvincialState>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function startProvincial(appKey = 'test-app-key'): ProvincialStandIn {
  const intake = createProvincialIntake({ appKey });
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = await req.text();
    const reply = url.pathname.startsWith('/__control/')
      ? intake.control(req.method, url.pathname.slice('/__control/'.length), body ? JSON.parse(body) : undefined)
      : await intake.serve({ method: req.method, path: url.pathname, headers: Object.fromEntries(req.headers), body });
    const r = reply ?? { status: 404, body: { error: 'not found' } };
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json; charset=utf-8' } });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/__control/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`stand-in control ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url: `${base}${PROVINCIAL_PATH}`,
    appKey,
    fault: async (f) => void await control('POST', 'fault', f),
    clearFault: async () => void await control('DELETE', 'fault'),
    reject: async (projectNos, code) => void await control('POST', 'reject', { projectNos, code }),
    clearRejects: async () => void await control('DELETE', 'reject'),
    state: () => control('GET', 'state') as Promise<ProvincialState>,
    reset: async () => void await control('POST', 'reset'),
    close: () => server.shutdown(),
  };
}
