import { EvidenceFileRow, HandlerRow, RereviewRow } from './desk.ts';

const ID = '00000000-0000-4000-8000-000000000a01';

test('RereviewRow: numbers as strings are accepted, an unknown appeal reason is not', () => {
  const row = {
    work_order_id: ID, status: 'dismissed', region_code: '530902', region_name: '临翔区', unit_id: ID, unit_name: '临翔区市场监督管理局',
    project_no: null, matter_name: null, window_name: null, level: '1', tags: ['115'], comment: null, rated_at: '2026-11-02T10:00:00+08:00',
    appeal_id: ID, appeal_reason: 'mistaken', appeal_statement: '属误评', appeal_evidence: [], appeal_decision_note: '成立',
    appeal_decided_at: '2026-11-03T10:00:00+08:00', rereview_reason: '有回执', rereview_requested_at: '2026-11-04T10:00:00+08:00', can_decide: true,
    rectify_due_if_overturned: '2026-11-25', must_recuse: false,
  };
  expect(RereviewRow.parse(row).level).toBe(1);
  expect(RereviewRow.safeParse({ ...row, appeal_reason: 'bored' }).success).toBe(false);
  expect(RereviewRow.safeParse({ ...row, can_decide: undefined }).success).toBe(false);
  expect(RereviewRow.safeParse({ ...row, must_recuse: undefined }).success).toBe(false);
});

test('EvidenceFileRow only for the three evidence types; HandlerRow only staff, unit admins and (R13, a unit with nobody else) supervisors', () => {
  const f = { id: ID, file_name: 'a.png', mime_type: 'image/png', byte_size: 99, sha256: 'x', content_base64: 'iVBORw0KGgo=', created_at: '2026-11-02T10:00:00Z' };
  expect(EvidenceFileRow.safeParse(f).success).toBe(true);
  expect(EvidenceFileRow.safeParse({ ...f, mime_type: 'text/html' }).success).toBe(false);
  const h = { user_id: ID, masked_name: '杨*', role: 'staff', realname_verified: true, is_handler: false };
  expect(HandlerRow.safeParse(h).success).toBe(true);
  expect(HandlerRow.safeParse({ ...h, role: 'supervisor' }).success).toBe(true);
  expect(HandlerRow.safeParse({ ...h, role: 'citizen' }).success).toBe(false);
});
