import { hallProblem, matterProblem, unitProblem, windowProblem } from './admin-org.ts';

test('unit fields are checked as admin_save_unit checks them', () => {
  expect(unitProblem('临翔区测试局', '')).toBeNull();
  expect(unitProblem('  局 ', '')).toBe('单位名称至少 2 个字');
  expect(unitProblem('局'.repeat(101), '')).toBe('单位名称最多 100 个字');
  expect(unitProblem('临翔区测试局', '91530902MA6K0000XA')).toBeNull();
  expect(unitProblem('临翔区测试局', '91530902MA6K0000XO')).toMatch(/统一社会信用代码/);
  expect(unitProblem('临翔区测试局', '123')).toMatch(/18 位/);
});

test('hall, window and 事项 fields', () => {
  expect(hallProblem('临翔区政务服务中心', 'center', '')).toBeNull();
  expect(hallProblem('临翔区政务服务中心', null, '')).toBe('请选择大厅类型');
  expect(hallProblem('中', 'center', '')).toBe('大厅名称至少 2 个字');
  expect(hallProblem('临翔区政务服务中心', 'hall', '路'.repeat(201))).toBe('地址最多 200 个字');
  expect(windowProblem('1', 'u')).toBeNull();
  expect(windowProblem('  ', 'u')).toBe('请填写窗口名称');
  expect(windowProblem('1号窗口', null)).toBe('请选择窗口所属单位');
  expect(windowProblem('窗'.repeat(61), 'u')).toBe('窗口名称最多 60 个字');
  expect(matterProblem('530902-SJ-009', '个体工商户注销登记', '3', ['mobile'])).toBeNull();
  expect(matterProblem('530902-SJ-009', '个体工商户注销登记', '', ['mobile'])).toBeNull();
  expect(matterProblem('SJ9', '个体工商户注销登记', '3', ['mobile'])).toMatch(/事项编码/);
  expect(matterProblem('530902 SJ', '个体工商户注销登记', '3', ['mobile'])).toMatch(/事项编码/);
  expect(matterProblem('530902-SJ-009', '注', '3', ['mobile'])).toBe('事项名称至少 2 个字');
  expect(matterProblem('530902-SJ-009', '个体工商户注销登记', '366', ['mobile'])).toMatch(/0–365/);
  expect(matterProblem('530902-SJ-009', '个体工商户注销登记', '-1', ['mobile'])).toMatch(/0–365/);
  expect(matterProblem('530902-SJ-009', '个体工商户注销登记', '2.5', ['mobile'])).toMatch(/0–365/);
  expect(matterProblem('530902-SJ-009', '个体工商户注销登记', '3', [])).toBe('请至少选择一个评价渠道');
});
