import { AdminStaffRow, FoundUserRow, grantableRoles, identifierKind, IngestKeyRow, validityProblem } from './admin-people.ts';

test('identifierKind: mainland mobile numbers and 18-character ID numbers, spaces and dashes ignored', () => {
  expect(identifierKind('13988702302')).toBe('phone');
  expect(identifierKind('+86 139-8870-2302')).toBe('phone');
  expect(identifierKind('8613988702302')).toBe('phone');
  expect(identifierKind('530902199203040013')).toBe('id_number');
  expect(identifierKind('53090219920304001x')).toBe('id_number');
  for (const bad of ['', '12345', '12988702302', '1398870230', '王磊', '53090219920304001', '5309021992030400XX']) expect(identifierKind(bad)).toBeNull();
});

test('grantableRoles mirrors app.require_role_manager', () => {
  expect(grantableRoles('unit', true)).toEqual(['staff', 'unit_admin']);
  expect(grantableRoles('unit', false)).toEqual(['staff']);
  expect(grantableRoles('region', true)).toEqual(['supervisor']);
  expect(grantableRoles('region', false)).toEqual([]);
});

test('validityProblem', () => {
  expect(validityProblem('2026-12-01', null)).toBeNull();
  expect(validityProblem('2026-12-01', '2026-12-01')).toBeNull();
  expect(validityProblem('2026-12-01', '2026-11-30')).toMatch(/不能早于/);
  expect(validityProblem('', null)).toMatch(/开始日期/);
});

test('schemas refuse rows that would carry more than masked values or a wrong kind', () => {
  const id = '00000000-0000-4000-8000-000000000a02';
  expect(FoundUserRow.parse({ user_id: id, masked_name: '王*', realname_verified: true })).toEqual({ user_id: id, masked_name: '王*', realname_verified: true });
  expect(() => AdminStaffRow.parse({ role_id: id, user_id: id, masked_name: '王*', realname_verified: true, role: 'root', unit_id: null, unit_name: null, scope_region_code: null })).toThrow();
  expect(() =>
    IngestKeyRow.parse({ kind: 'fax', id, key_id: 'k', name: 'n', region_code: '530900', hall_id: null, hall_name: null, status: 'active', created_at: 'x', revoked_at: null, last_used_at: null }),
  ).toThrow();
});
