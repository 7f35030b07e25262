/** What the runtime tests share: launching against the stack, finding tappable nodes, common checks. */
import { PersonaList, type DevLoginResponse } from '../../../shared/schemas.ts';
import { stackEnv } from '../../../tests/support/env.ts';
import { BAKED_API_URL, MiniProgram, textOf, type Platform, type RecordedRequest, type RenderedNode } from './harness.ts';

export const SESSION_KEY = 'hcp.session';
export const OUTBOX_KEY = 'hcp.outbox';
export const PLATFORM_LOGIN_LABEL: Record<Platform, string> = { weapp: '微信一键登录', alipay: '支付宝授权登录' };

const running: MiniProgram[] = [];

export function launch(platform: Platform, storage?: Record<string, unknown>, route?: string, query: Record<string, string> = {}, systemInfo?: Record<string, unknown>): MiniProgram {
  const mp = new MiniProgram({ platform, apiUrl: stackEnv.apiUrl, storage, systemInfo });
  running.push(mp);
  return mp.launch(query, route);
}

export function closeAll(): void {
  for (const mp of running.splice(0)) mp.close();
}

/** A cold edge function can take seconds: warm auth-dev up so waits measure the app. */
export async function warmUp(): Promise<void> {
  const res = await fetch(`${stackEnv.apiUrl}/functions/v1/auth-dev`, { headers: { apikey: stackEnv.anonKey } });
  expect(res.status).toBe(200);
  await res.text();
}

export function only<T>(items: readonly T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, got ${items.length}`);
  return items[0] as T;
}

/** A tappable node by its exact text (a button). */
export function node(mp: MiniProgram, text: string): RenderedNode {
  const found = mp.findByText(text);
  if (!found) throw new Error(`${mp.platform}: no node with text "${text}" in ${JSON.stringify(mp.texts())}`);
  return found;
}

/** A node of a class whose text contains `text` (a level choice, a tag, a tile, a card). */
export function nodeOf(mp: MiniProgram, className: string, text: string): RenderedNode {
  const found = mp.findByClassAndText(className, text);
  if (!found) throw new Error(`${mp.platform}: no .${className} containing "${text}" in ${JSON.stringify(mp.texts())}`);
  return found;
}

/** The innermost element (not a text node) under `root` whose whole text is `text` (a button inside a card). */
export function inside(root: RenderedNode, text: string): RenderedNode {
  let found: RenderedNode | undefined;
  const visit = (n: RenderedNode) => {
    if (n.sid !== undefined && typeof n.v !== 'string' && textOf(n) === text) found = n;
    for (const c of n.cn ?? []) visit(c);
  };
  visit(root);
  if (!found) throw new Error(`no "${text}" inside ${textOf(root)}`);
  return found;
}

export function expectGatewayHeaders(req: RecordedRequest, bearer: string): void {
  expect(req.headers.apikey).toBe(stackEnv.anonKey);
  expect(req.headers.authorization).toBe(`Bearer ${bearer}`);
  // The fetch shim always asks for the raw text and parses it itself.
  expect(req.dataType).toBe('text');
  expect(req.responseType).toBe('text');
}

/** Nothing thrown, no unhandled rejection, no console.error, no platform API the harness lacks. */
export function expectNoErrors(mp: MiniProgram): void {
  expect(mp.errors).toEqual([]);
  expect(mp.console.filter((c) => c.level === 'error')).toEqual([]);
  expect(mp.unimplementedCalls).toEqual([]);
}

/** Every request went to the baked-in gateway, never to Supabase Auth or realtime. */
export function expectOnlyGatewayCalls(mp: MiniProgram): void {
  for (const r of mp.requests) {
    expect(r.url.startsWith(`${BAKED_API_URL}/functions/v1/`) || r.url.startsWith(`${BAKED_API_URL}/rest/v1/`)).toBe(true);
  }
}

export async function personaLabels(): Promise<string[]> {
  const res = await fetch(`${stackEnv.apiUrl}/functions/v1/auth-dev`, { headers: { apikey: stackEnv.anonKey } });
  return PersonaList.parse(await res.json()).personas.map((p) => p.label);
}

/** The session the app stores after an auth-dev login (src/lib/session.ts). */
export function storedSession(login: DevLoginResponse, expiresAt = Date.now() + login.expires_in * 1000, refreshToken: string | null = null) {
  return {
    provider: 'dev',
    access_token: login.access_token,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: { id: login.user.user_id, label: login.user.label, realname_verified: null, key: login.user.key },
  };
}

export function bodyOf(req: RecordedRequest): Record<string, unknown> {
  return JSON.parse(req.body ?? 'null') as Record<string, unknown>;
}
