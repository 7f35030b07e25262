/** The thin slice through supabase-js: log in as a persona, read what RLS lets them read. */
import { parseRows, UnitRow, WhoamiRow } from '../../../shared/schemas.ts';
import { userToken } from '../../../scripts/stack/keys.ts';
import { client, login } from '../../../tests/support/api.ts';
import { stackEnv } from '../../../tests/support/env.ts';

describe('a citizen', () => {
  test('logs in through auth-dev and reads themselves with whoami()', async () => {
    const session = await login('citizen-a');
    const { data, error } = await client(session.access_token).rpc('whoami');
    expect(error).toBeNull();
    const rows = parseRows(WhoamiRow, data);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: session.user.user_id, masked_name: '李*梅', region_name: '临翔区', role: null });
  });

  test('reads the units of their county', async () => {
    const { access_token } = await login('citizen-a');
    const { data, error } = await client(access_token).from('units').select('id,name,credit_code,region_code,region_name').eq('region_code', '530902');
    expect(error).toBeNull();
    const units = parseRows(UnitRow, data);
    expect(units.map((u) => u.name)).toContain('临翔区市场监督管理局');
  });

  test('cannot write to the unit directory', async () => {
    const { access_token } = await login('citizen-a');
    const { error } = await client(access_token).from('units').insert({ name: '假冒单位', region_code: '530902' });
    expect(error?.code).toBe('42501');
  });
});

describe('staff', () => {
  test('whoami() gives their unit and role; another unit’s staff see their own', async () => {
    const linxiang = parseRows(WhoamiRow, (await client((await login('staff-linxiang')).access_token).rpc('whoami')).data);
    const fengqing = parseRows(WhoamiRow, (await client((await login('staff-fengqing')).access_token).rpc('whoami')).data);
    expect(linxiang.map((r) => [r.role, r.unit_name])).toEqual([['staff', '临翔区市场监督管理局']]);
    expect(fengqing.map((r) => [r.role, r.unit_name])).toEqual([['staff', '凤庆县市场监督管理局']]);
  });
});

describe('anon', () => {
  test('cannot call whoami()', async () => {
    const { data, error } = await client().rpc('whoami');
    expect(data).toBeNull();
    expect(error?.code).toBe('42501');
  });

  test('reads the public unit directory without logging in', async () => {
    const { data, error } = await client().from('units').select('id,name,credit_code,region_code,region_name').limit(5);
    expect(error).toBeNull();
    expect(parseRows(UnitRow, data)).toHaveLength(5);
  });

  test('cannot list the demo personas through PostgREST', async () => {
    const { error } = await client().rpc('dev_personas');
    expect(error?.code).toBe('42501');
  });
});

test('an expired token is refused by PostgREST', async () => {
  const expired = await userToken('00000000-0000-4000-8000-000000000a01', stackEnv.jwtSecret, -60);
  const { error } = await client(expired).rpc('whoami');
  expect(error?.code).toBe('PGRST301');
});
