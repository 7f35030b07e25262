import { isBadLevel } from '../../../shared/tags.ts'

/** 评价内容公开 (R15): the switch's words for a rating's comment, in plain Chinese. */
export function commentPublicState(isPublic: boolean, level: number): string {
  const bad = isBadLevel(level)
  if (isPublic) return bad ? '已公开：留言会（不带姓名）显示在“公开”页的差评公示中' : '已公开：允许公开展示这条留言（不带姓名）'
  return bad ? '未公开：差评公示中只显示原因，不显示留言。点此公开' : '未公开：留言只有您和办理单位能看到。点此公开'
}
