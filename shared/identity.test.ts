import { isValidIdNumber, maskName, maskPhone, RealnameBindRequest } from './identity.ts';
import { stableAlipayUserId } from '../scripts/stand-ins/alipay.ts';
import { stableOpenid } from '../scripts/stand-ins/wechat.ts';

describe('isValidIdNumber (GB 11643 check character)', () => {
  test.each(['530902198805120029', '11010519491231002X', '11010519491231002x'])('accepts %s', (id) => {
    expect(isValidIdNumber(id)).toBe(true);
  });
  test.each(['530902198805120028', '5309021988051200', '53090219880512002A', ''])('refuses %j', (id) => {
    expect(isValidIdNumber(id)).toBe(false);
  });
});

test('masks as R13 shows them', () => {
  expect(['张三', '李春梅', '欧阳娜娜', '王', ''].map(maskName)).toEqual(['张*', '李*梅', '欧**娜', '*', '']);
  expect(['13812345678', '+86 138-1234-5678', '123'].map(maskPhone)).toEqual(['138****5678', '138****5678', '']);
});

test('realname-bind takes only the ticket', () => {
  expect(RealnameBindRequest.safeParse({ ticket: 'a'.repeat(40) }).success).toBe(true);
  expect(RealnameBindRequest.safeParse({ ticket: 'a'.repeat(40), id_number: '530902198805120029' }).success).toBe(false);
});

test('stand-in accounts of the demo personas are stable (supabase/seed/20_identity.sql derives the same)', () => {
  expect(stableOpenid('wx00000000hcplocal', 'citizen-a')).toMatch(/^o[A-Za-z0-9_-]{27}$/);
  expect(stableAlipayUserId('citizen-a')).toMatch(/^2088\d{12}$/);
});
