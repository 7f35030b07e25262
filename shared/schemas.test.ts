import { DevLoginRequest, parseRows, WhoamiRow } from './schemas.ts';
import { errorBody, ERRORS, isErrorCode } from './errors.ts';
import { PERSONA_KEYS } from './personas.ts';
import { CITY_CODE, REGIONS } from './regions.ts';

describe('DevLoginRequest', () => {
  test.each(PERSONA_KEYS)('accepts the contract persona %s', (persona) => {
    expect(DevLoginRequest.parse({ persona })).toEqual({ persona });
  });

  test.each([
    [{}],
    [{ persona: 'mayor' }],
    [{ persona: 42 }],
    [{ persona: 'citizen-a', role: 'service_role' }],
    ['citizen-a'],
  ])('refuses %j', (input) => {
    expect(DevLoginRequest.safeParse(input).success).toBe(false);
  });
});

describe('WhoamiRow', () => {
  const row = {
    user_id: '00000000-0000-4000-8000-000000000b01',
    masked_name: '杨*',
    region_code: '530902',
    region_name: '临翔区',
    role: 'staff',
    unit_id: '16244046-fda3-6bb5-a07a-99f183fedf84',
    unit_name: '临翔区市场监督管理局',
    scope_region_code: null,
    realname_verified: true,
  };

  test('parses a staff row', () => {
    expect(parseRows(WhoamiRow, [row])).toEqual([row]);
  });

  test('refuses a role the system does not have', () => {
    expect(() => parseRows(WhoamiRow, [{ ...row, role: 'mayor' }])).toThrow();
  });

  test('refuses a region code that is not 6 digits', () => {
    expect(() => parseRows(WhoamiRow, [{ ...row, region_code: '5309' }])).toThrow();
  });
});

describe('errors', () => {
  test('every code has a Chinese message and an HTTP error status', () => {
    for (const { status, message } of Object.values(ERRORS)) {
      expect(message).toMatch(/[\u4e00-\u9fff]/);
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });

  test('errorBody carries code, message and optional details', () => {
    expect(errorBody('unauthorized')).toEqual({ code: 'unauthorized', message: '请先登录' });
    expect(errorBody('invalid_input', [{ path: 'persona' }])).toMatchObject({ details: [{ path: 'persona' }] });
  });

  test('isErrorCode knows its own codes only', () => {
    expect(isErrorCode('forbidden')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});

describe('regions (SPEC §6)', () => {
  test('临沧市 and its eight counties, all under the city', () => {
    expect(REGIONS).toHaveLength(9);
    expect(REGIONS.filter((r) => r.parentCode === CITY_CODE)).toHaveLength(8);
    expect(REGIONS.find((r) => r.code === '530927')?.name).toBe('沧源佤族自治县');
  });
});
