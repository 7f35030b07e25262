/**
 * The privacy notice of 我的 (PIPL Art. 17: what is stored, why, for how long, who can see it).
 * Kept as data so a test can check that every question has an answer.
 */
export interface PrivacySection {
  question: string
  answer: string[]
}

export const PRIVACY_NOTICE: readonly PrivacySection[] = [
  {
    question: '我们保存什么',
    answer: [
      '您的账号标识（微信或支付宝提供的编号）和实名认证结果；姓名只以“李*梅”这样的打码形式显示。',
      '您的评价：等级、原因、留言、评价时间，以及评价的是哪个办件或窗口。',
      '差评的处理记录：单位的核实、整改、答复和回访情况。',
      '您在“意见建议”里留下的内容和联系方式（选填）。',
      '在您的手机上：登录凭证、大字模式设置，以及没网时暂存、尚未提交的评价。',
    ],
  },
  {
    question: '为什么保存',
    answer: [
      '按照国务院和临沧市政务服务“好差评”制度：统计满意度、督促差评整改、向您答复整改结果，并按规定向省级平台报送评价数据。',
    ],
  },
  {
    question: '保存多久',
    answer: [
      '评价和整改记录按政务服务档案管理规定保存，用于年度考核。',
      '手机上暂存的评价在提交成功后立即删除；退出登录会删除手机上的登录凭证。',
    ],
  },
  {
    question: '谁能看到',
    answer: [
      '办理单位和窗口工作人员能看到评价内容，但看不到您的姓名、电话和身份证号。',
      '实名差评需要回访时，负责回访的工作人员只能看到打码的联系方式（如 138****5678），每次查看都会被记录。',
      '匿名评价任何人都看不到是谁评价的。公开页面只公布统计结果和去掉个人信息的差评整改情况。',
      '数据存放在政务云上，不出境。',
    ],
  },
]

/**
 * The privacy pop-up's short list (components/PrivacyConsent.tsx): what is collected and why,
 * in the words of the guide (miniapp/PRIVACY-GUIDE.md), which lists every item in full.
 */
export const PRIVACY_SUMMARY: readonly string[] = [
  '微信或支付宝账号标识：用于登录，保存您的评价；',
  '实名认证时的姓名、身份证号码、手机号码：只在您另行同意后发送至云南省政务服务统一身份认证平台核验；',
  '意见建议里选填的联系方式：只用于答复您，加密保存；',
  '工作人员申诉时选择的图片或文件、复制的密钥（仅工作人员使用）。',
]
