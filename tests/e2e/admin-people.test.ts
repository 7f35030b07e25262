/**
 * The 管理 pages of issue 7 for people, keys and the calendar, as H5 in headless Chromium against
 * the test stack. A city supervisor finds a citizen by mobile number, grants them the staff role
 * of a throw-away 临翔区 unit (the person then has 工作台 on 首页) and revokes it; a unit admin
 * grants staff of their own unit only and assigns a window; a rating device's secret is shown
 * once, works, and after its revocation ratings-ingest refuses it; a day of the coming year is
 * toggled and the database's deadlines move with it, then back. Screenshots in test-output/e2e/
 * pass the contrast and tap-target checks. No fixed sleeps.
 */
import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { addDays, DEFAULT_CALENDAR, isoWeekday, isWorkingDay, shanghaiDate } from '../../shared/calendar/index.ts';
import { idNumberCheckCharacter } from '../../shared/identity.ts';
import { functionUrl } from '../support/api.ts';
import { connect, PERSONA_IDS, type Db } from '../support/db.ts';
import { restorePlainCitizen } from '../support/persona-restore.ts';
import { stackEnv } from '../support/env.ts';
import { rpcAs, rpcOk } from '../support/staff-fixtures.ts';
import { browserPerFile, checkedScreenshot, expectText, loginAs, subpackageUrl } from './browser.ts';

jest.setTimeout(180_000);

let page: Page;
let db: Db;
const CITIZEN_B = PERSONA_IDS['citizen-b'];
const PHONE_B = '13988702302'; // supabase/seed/20_identity.sql
const ID_B = '53090219920304001' + idNumberCheckCharacter('53090219920304001');
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

browserPerFile((opened) => {
  page = opened.page;
});

beforeAll(async () => {
  db = await connect();
});

// The grants and window assignments a test made citizen-b go, whether it passed or not.
afterEach(() => restorePlainCitizen(db, CITIZEN_B));

afterAll(async () => {
  await db?.end();
});

/** citizen-b's roles as whoami() answers them (one row with role null when there is none). */
async function rolesOfB(): Promise<Array<{ role: string | null; unit_id: string | null }>> {
  return rpcOk('citizen-b', 'whoami');
}

async function openPeople(persona: 'supervisor-city' | 'unit-admin-linxiang'): Promise<void> {
  await loginAs(page, persona);
  await page.goto(subpackageUrl('admin', 'people'));
  await page.getByTestId('grant').waitFor();
}

/** Looks citizen-b up: by phone (a supervisor), or a unit admin's ID number and, optionally, phone. */
async function lookUpAndGrant(phone: string, idNumber?: string): Promise<void> {
  if (idNumber !== undefined) await page.locator('[data-testid=lookup-id-number] input').fill(idNumber);
  await page.locator('[data-testid=lookup-identifier] input').fill(phone);
  await page.getByTestId('lookup').click();
  await page.locator(`[data-testid=found-user][data-user="${CITIZEN_B}"]`).waitFor();
  await expectText(page.getByTestId('lookup-results'), '王*（已实名）');
}

test('a city supervisor finds a citizen by phone, grants staff of a 临翔区 unit; they get 工作台; then it is revoked', async () => {
  const unitName = `临翔区人员测试局${run}`;
  const [unit] = await rpcOk<Array<{ id: string }>>('supervisor-city', 'admin_save_unit', { p_id: null, p_region_code: '530902', p_name: unitName, p_credit_code: null });
  const unitId = unit!.id;

  await openPeople('supervisor-city');
  await page.locator('[data-testid=people-scope][data-scope="region:530902"]').click();
  await page.locator(`[data-testid=grant-target][data-target="${unitId}"]`).click();
  // A refusal before anything is sent: not a phone or ID number.
  await page.locator('[data-testid=lookup-identifier] input').fill('12345');
  await page.getByTestId('lookup').click();
  await expectText(page.getByTestId('grant').getByTestId('error'), '请输入 11 位手机号码或 18 位身份证号码');
  await lookUpAndGrant(PHONE_B);
  // Only masked values on the page: never the name or the number looked up.
  const shown = await page.locator('.taro_page:visible').innerText();
  expect(shown).not.toContain('王磊');
  await page.getByTestId('grant-role-staff').click();
  await page.getByTestId('grant-submit').click();
  await expectText(page.getByTestId('people-done'), `已授予 王* ${unitName}的“窗口工作人员”角色`);
  const card = page.locator(`[data-testid=person][data-user="${CITIZEN_B}"][data-role=staff]`).filter({ hasText: unitName });
  await card.waitFor();
  expect(await page.locator('[data-testid=lookup-identifier] input').inputValue()).toBe('');
  expect(await rolesOfB()).toContainEqual(expect.objectContaining({ role: 'staff', unit_id: unitId }));
  await checkedScreenshot(page, 'admin-people');

  // The person now has 工作台 on 首页.
  await loginAs(page, 'citizen-b');
  await page.getByTestId('tile-staff').waitFor();

  // Revoked, after a confirmation that names the person and the role.
  await openPeople('supervisor-city');
  await page.locator('[data-testid=people-scope][data-scope="region:530902"]').click();
  const again = page.locator(`[data-testid=person][data-user="${CITIZEN_B}"][data-role=staff]`).filter({ hasText: unitName });
  await again.getByTestId('revoke').click();
  await expectText(again.getByTestId('revoke-confirm'), `确定撤销 王* 在 ${unitName} 的“窗口工作人员”角色吗？`);
  await checkedScreenshot(page, 'admin-people-revoke');
  await again.getByTestId('revoke-yes').click();
  await expectText(page.getByTestId('people-done'), '已撤销 王* 的“窗口工作人员”角色');
  expect((await rolesOfB()).filter((r) => r.role !== null)).toEqual([]);
  await loginAs(page, 'citizen-b');
  await page.getByTestId('whoami-name').waitFor();
  expect(await page.getByTestId('tile-staff').count()).toBe(0);
});

test('a unit admin grants staff of their own unit and assigns a window; a unit of 凤庆县 is refused (UI and API)', async () => {
  const linxiang = (await db.query(`select id from app.units where name = '临翔区市场监督管理局'`)).rows[0].id as string;
  const fengqing = (await db.query(`select id from app.units where name = '凤庆县市场监督管理局'`)).rows[0].id as string;

  await openPeople('unit-admin-linxiang');
  // Their own unit is the only place offered: nothing of 凤庆县 to choose.
  expect(await page.getByTestId('grant-target').count()).toBe(0);
  await expectText(page.getByTestId('grant'), '单位：临翔区市场监督管理局');
  expect(await page.locator('.taro_page:visible').innerText()).not.toContain('凤庆');
  await expectText(page.getByTestId('people'), '杨*');
  // A phone alone is not enough for a unit admin (a masked phone must not be completable).
  await page.locator('[data-testid=lookup-identifier] input').fill(PHONE_B);
  await page.getByTestId('lookup').click();
  await expectText(page.getByTestId('grant').getByTestId('error'), '请输入该人员的 18 位身份证号码');
  await lookUpAndGrant(PHONE_B, ID_B);
  await page.getByTestId('grant-submit').click();
  await expectText(page.getByTestId('people-done'), '已授予 王* 临翔区市场监督管理局的“窗口工作人员”角色');

  const card = page.locator(`[data-testid=person][data-user="${CITIZEN_B}"][data-role=staff]`);
  await expectText(card.getByTestId('person-windows'), '当前窗口：未安排');
  await card.getByTestId('assign').click();
  await card.getByTestId('assign-window').first().click();
  const windowName = (await card.locator('[data-testid=assign-window]').first().innerText()).replace(/^◉\s*/, '').split(' · ').pop() ?? '';
  await card.getByTestId('assign-submit').click();
  await expectText(page.getByTestId('people-done'), `已安排 王* 到${windowName}`);
  await expectText(page.locator(`[data-testid=person][data-user="${CITIZEN_B}"]`).getByTestId('person-windows'), windowName);
  await checkedScreenshot(page, 'admin-people-unit');

  // The API refuses 凤庆县 to this unit admin, and the unit_admin role in their own unit.
  for (const [fn, args] of [
    ['admin_find_user', { p_identifier: PHONE_B, p_unit_id: fengqing }],
    ['admin_grant_role', { p_user_id: CITIZEN_B, p_role: 'staff', p_unit_id: fengqing }],
    ['admin_grant_role', { p_user_id: CITIZEN_B, p_role: 'unit_admin', p_unit_id: linxiang }],
    ['admin_unit_staff', { p_unit_id: fengqing }],
  ] as const) {
    const res = await rpcAs('unit-admin-linxiang', fn, args);
    expect({ fn, code: res.error?.code, status: res.status }).toEqual({ fn, code: 'forbidden', status: 403 });
  }

  const mine = page.locator(`[data-testid=person][data-user="${CITIZEN_B}"][data-role=staff]`);
  await mine.getByTestId('revoke').click();
  await mine.getByTestId('revoke-yes').click();
  await expectText(page.getByTestId('people-done'), '已撤销 王* 的“窗口工作人员”角色');
  expect((await rolesOfB()).filter((r) => r.role !== null)).toEqual([]);
  // A unit admin cannot revoke a unit admin (their own role is not offered).
  expect(await page.locator('[data-testid=person][data-role=unit_admin]').getByTestId('revoke').count()).toBe(0);
});

/** POST ratings-ingest signed with the key, as a device does. */
async function ingest(keyId: string, secret: string): Promise<{ status: number; body: { code?: string; results?: Array<{ status: string; code?: string }> } }> {
  const body = JSON.stringify({
    items: [{ external_id: `e2e-${run}-${Math.random()}`, window_id: '11111111-1111-4111-8111-111111111111', level: 5, tags: [], rated_at: new Date(Date.now() - 60_000).toISOString() }],
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret).update(`${ts}\n${body}`).digest('hex');
  const res = await fetch(functionUrl('ratings-ingest'), {
    method: 'POST',
    headers: { apikey: stackEnv.anonKey, 'content-type': 'application/json', 'x-hcp-key-id': keyId, 'x-hcp-timestamp': ts, 'x-hcp-signature': signature },
    body,
  });
  return { status: res.status, body: await res.json() };
}

test('a rating device: the secret is shown once, works, and once revoked ratings-ingest refuses it', async () => {
  const hallId = (await db.query(`select id from app.halls where region_code = '530902' order by name limit 1`)).rows[0].id as string;
  const name = `e2e评价器${run}`;
  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('admin', 'keys'));
  await page.getByTestId('create-key').waitFor();
  await page.getByTestId('key-kind-hall_pad').click();
  await page.locator('[data-testid=key-name] input').fill(name);
  await page.getByTestId('create-key-submit').click();
  await expectText(page.getByTestId('create-key').getByTestId('error'), '请选择设备所在的大厅');
  await page.locator(`[data-testid=key-hall][data-hall="${hallId}"]`).click();
  await page.getByTestId('create-key-submit').click();

  await expectText(page.getByTestId('secret-once'), '只显示一次，请立即保存');
  const keyId = (await page.getByTestId('new-key-id').innerText()).trim();
  const secret = (await page.getByTestId('new-secret').innerText()).trim();
  expect(keyId).toMatch(/^dev_[0-9a-z]+$/);
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  await page.getByTestId('copy-secret').click();
  await expectText(page.getByTestId('copied'), '已复制密钥到剪贴板');
  // Taro's H5 clipboard keeps a copy in localStorage: the page removes it.
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(secret);
  await checkedScreenshot(page, 'admin-keys-secret');

  // The key works: the signature is accepted (the item itself names no real window, so nothing is written).
  const accepted = await ingest(keyId, secret);
  expect(accepted.status).toBe(200);
  expect(accepted.body.results?.[0]?.status).toBe('rejected');

  // Never shown again: after a reload only the list, without the secret.
  await page.reload();
  await page.locator('[data-testid=keys-region][data-region="530902"]').click();
  const card = page.locator(`[data-testid=key][data-key-id="${keyId}"]`);
  await card.waitFor();
  // One region at a time: none of 凤庆县's keys among 临翔区's.
  expect(await page.locator('[data-testid=key]').filter({ hasText: '凤庆县' }).count()).toBe(0);
  expect(await page.getByTestId('new-secret').count()).toBe(0);
  expect(await page.locator('.taro_page:visible').innerText()).not.toContain(secret);
  await expectText(card.getByTestId('key-status'), '使用中');
  await expectText(card, name);

  // Issue 21.2: a destructive action looks destructive before its confirmation.
  expect(await card.getByTestId('revoke-key').getAttribute('class')).toContain('btn--destructive');
  await card.getByTestId('revoke-key').click();
  await expectText(card.getByTestId('revoke-key-confirm'), `确定停用“${name}”的密钥吗？`);
  await card.getByTestId('revoke-key-yes').click();
  await expectText(page.getByTestId('keys-done'), `已停用“${name}”的密钥`);
  await page.getByTestId('keys-revoked').click();
  await expectText(page.locator(`[data-testid=key][data-key-id="${keyId}"][data-status=revoked]`).getByTestId('key-status'), '已停用');
  await checkedScreenshot(page, 'admin-keys');

  const refused = await ingest(keyId, secret);
  expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'key_revoked' });
  // Supervisors only: a unit admin gets the page's refusal and the API's.
  await loginAs(page, 'unit-admin-linxiang');
  await page.goto(subpackageUrl('admin', 'keys'));
  await expectText(page.getByTestId('empty'), '只有监督员可以管理设备和业务系统的接入密钥');
  expect((await rpcAs('unit-admin-linxiang', 'ingest_keys')).error?.code).toBe('forbidden');
});

/** A Wednesday in December of the coming year, a working day between two working days. */
function quietDay(year: number): string {
  for (let d = `${year}-12-08`; ; d = addDays(d, 1)) {
    if (isoWeekday(d) === 3 && [addDays(d, -1), d, addDays(d, 1)].every((x) => isWorkingDay(x, DEFAULT_CALENDAR))) return d;
  }
}

async function deadline(from: string): Promise<{ due: string; provisional: boolean; added: string }> {
  const [row] = await rpcOk<Array<{ due_on: string; is_provisional: boolean }>>('supervisor-city', 'working_deadline', { p_from: from, p_n: 1 });
  const added = await rpcOk<string>('supervisor-city', 'add_working_days', { p_from: from, p_n: 1 });
  return { due: row!.due_on, provisional: row!.is_provisional, added };
}

test('工作日历: a city supervisor makes a day of the coming year a rest day and the deadlines move; then back', async () => {
  const year = Number(shanghaiDate(new Date()).slice(0, 4)) + 1;
  const day = quietDay(year);
  const before = addDays(day, -1);
  expect(await deadline(before)).toMatchObject({ due: day, added: day });

  await loginAs(page, 'supervisor-city');
  await page.goto(subpackageUrl('admin', 'calendar'));
  await page.getByTestId(`cal-year-${year}`).click();
  await page.getByTestId('cal-month-2').click();
  // A provisional 春节 shows as a holiday; the year's status is told.
  const announced = (await page.getByTestId('year-status').getAttribute('data-announced')) === 'yes';
  await expectText(page.getByTestId('year-badge'), announced ? `${year} 年 · 已公布` : `${year} 年 · 暂定`);
  await page.getByTestId('cal-month-12').click();
  await page.locator(`[data-testid=month-grid][data-month="${year}-12"]`).waitFor();
  const cell = page.locator(`[data-testid=cal-day][data-day="${day}"]`);
  await expectText(cell, '班');
  await cell.click();
  await page.locator(`[data-testid=day-panel][data-kind=workday]`).waitFor();
  await page.getByTestId('toggle-day').click();
  await expectText(page.getByTestId('day-panel').getByTestId('error'), '请填写调整依据');
  await page.locator('[data-testid=day-note-input] input').fill(`e2e 测试 ${run}`);
  await page.getByTestId('toggle-day').click();
  await expectText(page.getByTestId('calendar-done'), '设为休息日');
  await page.locator(`[data-testid=cal-day][data-day="${day}"][data-kind=rest]`).waitFor();
  await expectText(page.getByTestId('day-note'), `e2e 测试 ${run}`);
  await checkedScreenshot(page, 'admin-calendar');

  const moved = await deadline(before);
  expect(moved).toEqual({ due: addDays(day, 1), added: addDays(day, 1), provisional: !announced });

  // And back: the exception row goes, the deadline returns.
  await page.locator('[data-testid=day-note-input] input').fill(`e2e 测试恢复 ${run}`);
  await page.getByTestId('toggle-day').click();
  await page.locator(`[data-testid=cal-day][data-day="${day}"][data-kind=workday]`).waitFor();
  expect(await deadline(before)).toMatchObject({ due: day, added: day });
  expect((await db.query(`select count(*)::int as n from app.calendar_days where day = $1`, [day])).rows[0].n).toBe(0);

  // A county supervisor reads the calendar but may not change it.
  await loginAs(page, 'supervisor-fengqing');
  await page.goto(subpackageUrl('admin', 'calendar'));
  await page.getByTestId(`cal-year-${year}`).click();
  await page.getByTestId('cal-month-12').click();
  await page.locator(`[data-testid=cal-day][data-day="${day}"]`).click();
  await expectText(page.getByTestId('day-panel'), '只有市级监督员可以调整工作日历');
  expect(await page.getByTestId('toggle-day').count()).toBe(0);
  expect(await page.getByTestId('toggle-announced').count()).toBe(0);
  expect((await rpcAs('supervisor-fengqing', 'set_calendar_day', { p_day: day, p_is_workday: false, p_note: 'x' })).error?.code).toBe('forbidden');
});
