/**
 * The citizen's settings RPCs (R13, R15, R17): 消息订阅 (`my_subscriptions`, `record_subscriptions`),
 * whether a rating's comment may appear on the public 差评 board (`set_comment_public`), and the
 * nonce that starts a 实名认证 (`realname_nonce`).
 */
import { z } from 'zod'
import { RealnameNonce } from '../../../shared/identity.ts'
import { DbId, parseRows } from '../../../shared/schemas.ts'
import { rpc, rpcRow } from './api.ts'
import { SubscriptionRow, type SubscriptionKind } from './subscriptions.ts'

export async function mySubscriptions(): Promise<SubscriptionRow[]> {
  return parseRows(SubscriptionRow, await rpc('my_subscriptions'))
}

export async function recordSubscriptions(platform: 'weapp' | 'alipay', kinds: SubscriptionKind[]): Promise<SubscriptionRow[]> {
  return parseRows(SubscriptionRow, await rpc('record_subscriptions', { p_platform: platform, p_kinds: kinds }))
}

export async function setCommentPublic(ratingId: string, value: boolean): Promise<boolean> {
  const row = await rpcRow(z.object({ id: DbId, comment_public: z.boolean() }), 'set_comment_public', { p_rating_id: ratingId, p_public: value })
  return row.comment_public
}

/** 实名认证 step 1: a single-use nonce for this session, handed to the identity platform (realname.ts). */
export async function realnameNonce(): Promise<RealnameNonce> {
  return rpcRow(RealnameNonce, 'realname_nonce')
}
