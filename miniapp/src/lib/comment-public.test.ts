import { commentPublicState } from './comment-public.ts'

test('the publication switch says what it does, for 差评 and other levels', () => {
  expect(commentPublicState(true, 1)).toMatch(/^已公开.*差评公示/)
  expect(commentPublicState(false, 2)).toMatch(/^未公开.*点此公开$/)
  expect(commentPublicState(false, 5)).toMatch(/^未公开：留言只有您和办理单位能看到/)
  expect(commentPublicState(true, 4)).not.toMatch(/差评/)
})
