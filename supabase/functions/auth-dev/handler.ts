/**
 * auth-dev (SPEC §4): log in as a seeded demo persona. `GET` lists the personas,
 * `POST { persona }` answers `{ access_token, token_type, expires_in, user }`.
 * Exists only where ALLOW_DEV_LOGIN=true; elsewhere every request is a 404.
 */
import { DevLoginRequest, Persona, type DevLoginResponse } from '../_shared/contract/schemas.ts';
import { serviceClient } from '../_shared/clients.ts';
import { allowDevLogin } from '../_shared/env.ts';
import { handle, HttpError, json, readJson } from '../_shared/http.ts';
import { ACCESS_TOKEN_TTL_S, mintAccessToken } from '../_shared/tokens.ts';

async function loadPersonas(): Promise<Persona[]> {
  const { data, error } = await serviceClient().rpc('dev_personas');
  if (error) throw new Error(`dev_personas failed: ${error.message}`);
  return Persona.array().parse(data);
}

/** The handler for a given setting; tests build the disabled one too. */
export const authDev = (enabled: boolean) => handle('auth-dev', async (req) => {
  if (!enabled) throw new HttpError(404, 'dev_login_disabled');
  if (req.method === 'GET') return json({ personas: await loadPersonas() });
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed');

  const { persona: key } = await readJson(req, DevLoginRequest);
  const persona = (await loadPersonas()).find((p) => p.key === key);
  if (!persona) throw new HttpError(404, 'unknown_persona');
  const body: DevLoginResponse = {
    access_token: await mintAccessToken(persona.user_id),
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_TTL_S,
    user: persona,
  };
  return json(body);
});

export const handler = authDev(allowDevLogin);
