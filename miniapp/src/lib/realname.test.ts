jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: { getStorageSync: () => '', setStorageSync: () => undefined, removeStorageSync: () => undefined, request: () => undefined },
}))

import { realnameProblems, requestTicket, resolveIdpUrl, sessionAfterBind } from './realname.ts'
import type { Session } from './session.ts'

const VALID_ID = '11010519491231002X'
const NONCE = '0123456789abcdef0123456789abcdef'

test('each field of the real-name form is checked, with a plain message', () => {
  expect(realnameProblems({ name: ' 张三 ', idNumber: VALID_ID.toLowerCase(), phone: '13800001111' })).toEqual({})
  expect(realnameProblems({ name: '', idNumber: '', phone: '' })).toEqual({ name: '请填写姓名', idNumber: '请填写身份证号码', phone: '请填写手机号码' })
  const bad = realnameProblems({ name: '张三', idNumber: '110105194912310021', phone: '1380000111' })
  expect(bad.idNumber).toMatch(/身份证号码有误/)
  expect(bad.phone).toBe('手机号码应为 11 位数字')
  expect(bad.name).toBeUndefined()
})

test('the IdP address comes from the injected config, then the build, else none', () => {
  expect(resolveIdpUrl({ idpUrl: 'http://127.0.0.1:5000/' }, 'https://idp.example')).toBe('http://127.0.0.1:5000')
  expect(resolveIdpUrl({ apiUrl: 'x' }, ' https://idp.example ')).toBe('https://idp.example')
  expect(resolveIdpUrl(undefined, '')).toBeNull()
  expect(resolveIdpUrl({ idpUrl: 'javascript:alert(1)' }, undefined)).toBeNull()
})

function answer(status: number, body: unknown): Response {
  return { ok: status < 300, status, text: async () => JSON.stringify(body) } as unknown as Response
}

test('a ticket is asked for with the normalized form and this session\'s nonce; a refusal is shown in Chinese', async () => {
  const seen: Array<{ url: string; body: unknown }> = []
  const ok = (async (url: string, init: RequestInit) => {
    seen.push({ url, body: JSON.parse(String(init.body)) })
    return answer(200, { ticket: 'x'.repeat(40), ticket_id: 't', expires_at: '2026-01-01T00:00:00Z' })
  }) as unknown as typeof fetch
  await expect(requestTicket('http://idp', { name: ' 张三', idNumber: VALID_ID.toLowerCase(), phone: '13800001111 ' }, NONCE, ok)).resolves.toBe('x'.repeat(40))
  expect(seen).toEqual([{ url: 'http://idp/api/v1/realname/verify', body: { name: '张三', id_number: VALID_ID, phone: '13800001111', nonce: NONCE } }])
  const refused = (async () => answer(400, { code: 'INVALID_PARAM', message: 'bad' })) as unknown as typeof fetch
  await expect(requestTicket('http://idp', { name: '张三', idNumber: VALID_ID, phone: '13800001111' }, NONCE, refused)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/未通过核验/) })
  const offline = (async () => Promise.reject(new TypeError('fetch failed'))) as unknown as typeof fetch
  await expect(requestTicket('http://idp', { name: '张三', idNumber: VALID_ID, phone: '13800001111' }, NONCE, offline)).rejects.toMatchObject({ code: 'network_error' })
})

const session: Session = {
  provider: 'wechat',
  access_token: 'old',
  expires_at: 1,
  refresh_token: 'r'.repeat(30),
  user: { id: '11111111-1111-4111-8111-111111111111', label: '微信用户', realname_verified: false, key: null },
}
const user = { id: '22222222-2222-4222-8222-222222222222', masked_name: '张*', realname_verified: true }

test('after a bind the session is marked verified, or replaced by the merged person\'s session', () => {
  const same = sessionAfterBind(session, { user: { ...user, id: session.user.id }, merged: false }, 1000)
  expect(same).toMatchObject({ access_token: 'old', user: { id: session.user.id, label: '张*', realname_verified: true } })
  const merged = sessionAfterBind(session, { user, merged: true, session: { access_token: 'new', token_type: 'bearer', expires_in: 60, refresh_token: 'n'.repeat(30), user } }, 1000)
  expect(merged).toMatchObject({ provider: 'wechat', access_token: 'new', expires_at: 61_000, user: { id: user.id, label: '张*', realname_verified: true } })
  const demo = sessionAfterBind({ ...session, provider: 'dev', user: { ...session.user, label: '市民（未实名）', key: 'citizen-anon' } }, { user, merged: false }, 1000)
  expect(demo.user.label).toBe('市民（未实名）')
})
