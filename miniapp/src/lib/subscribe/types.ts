/** 差评 progress messages (R17): the one-time subscription a citizen grants after rating. */
export type SubscribeOutcome = 'accepted' | 'rejected' | 'unavailable'

export interface ProgressSubscription {
  /** Whether the page offers the button at all (WeChat with a configured template). */
  readonly available: boolean
  /** Must run inside a tap handler (WeChat refuses otherwise). */
  request(): Promise<SubscribeOutcome>
}
