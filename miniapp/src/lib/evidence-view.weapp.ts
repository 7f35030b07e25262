export { openEvidence, showsImagesInline } from './evidence-view-mini.ts'
