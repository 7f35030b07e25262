/**
 * Default of the per-platform evidence viewer (what tsc and jest see). Builds use
 * evidence-view.weapp.ts / .alipay.ts / .h5.ts instead; keep their exports identical.
 */
export { openEvidence, showsImagesInline } from './evidence-view.h5.ts'
