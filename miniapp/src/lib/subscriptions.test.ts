import { configuredTemplates, requestMoreSubscriptions, subscriptionLines } from './subscriptions.ts'

test('subscription rows read as plain words, in a fixed order, unknown kinds left out', () => {
  expect(
    subscriptionLines([
      { platform: 'weapp', kind: 'reply', remaining: 0 },
      { platform: 'weapp', kind: 'reminder', remaining: 1 },
      { platform: 'weapp', kind: 'other', remaining: 3 },
    ]),
  ).toEqual(['办结提醒 剩余 1 次', '差评处理回复 已用完'])
  expect(subscriptionLines([{ platform: 'weapp', kind: 'invite', remaining: 2 }, { platform: 'alipay', kind: 'invite', remaining: 1 }])).toEqual([
    '支付宝 · 评价邀请 剩余 1 次',
    '微信 · 评价邀请 剩余 2 次',
  ])
})

test('only configured templates are asked for', () => {
  expect(configuredTemplates({ invite: ' ', reminder: 'T2', reply: undefined })).toEqual([{ kind: 'reminder', id: 'T2' }])
})

test('accepted kinds are recorded; refusals and a failing prompt record nothing', async () => {
  const templates = configuredTemplates({ invite: 'T1', reminder: 'T2', reply: 'T3' })
  const recorded: string[][] = []
  const record = async (kinds: string[]) => {
    recorded.push(kinds)
  }
  await expect(requestMoreSubscriptions(templates, async () => ({ T1: 'accept', T2: 'reject', T3: 'accept', errMsg: 'ok' }), record)).resolves.toEqual(['invite', 'reply'])
  expect(recorded).toEqual([['invite', 'reply']])
  await expect(requestMoreSubscriptions(templates, async () => ({ T1: 'reject', T2: 'ban' }), record)).resolves.toEqual([])
  await expect(requestMoreSubscriptions(templates, async () => Promise.reject(new Error('tap required')), record)).resolves.toEqual([])
  await expect(requestMoreSubscriptions([], async () => ({}), record)).resolves.toEqual([])
  expect(recorded).toHaveLength(1)
  await expect(requestMoreSubscriptions(templates, async () => ({ T2: 'accept' }), async () => Promise.reject(new Error('down')))).rejects.toThrow('down')
})

test('a build value the build does not define reads as undefined instead of throwing', async () => {
  const { buildValue } = await import('./build-env.ts')
  expect(buildValue(() => 'T1')).toBe('T1')
  expect(
    buildValue(() => {
      throw new ReferenceError('process is not defined')
    }),
  ).toBeUndefined()
})
