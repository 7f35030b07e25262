/**
 * Design tokens for what styles cannot reach from SCSS (issue 15.6): inline placeholder styles and
 * chart colours. The same values as src/styles/tokens.scss.
 */
export const COLORS = {
  navy: '#0b3d91',
  ink: '#111',
  placeholder: '#5b616b',
  white: '#fff',
  ink1b: '#222',
  inkHeading: '#1f2329',
  scrim: 'rgba(0, 0, 0, 0.55)',
  divider: '#d0d4da',
  neutralTint: '#e9ebef',
  restTint: '#e5e7eb',
  dangerHint: '#a4161a',
  dangerEdge: '#c4001d',
  warnTint2: '#fffaf0',
  // kiosk
  kioskBg: '#f3f6fb',
  kioskInk: '#1b1b1b',
  kioskOnline: '#b7f5c8',
  kioskOffline: '#ffd7a8',
  kioskDanger: '#b50909',
  kioskDangerTint: '#fde9e9',
  kioskNavyTint: '#e7f0ff',
  kioskBorder: '#c6cace',
  kioskRule: '#dfe1e2',
  kioskLevelEdge: '#a9aeb1',
  kioskGrey: '#5b616b',
} as const

/** Placeholder text: 4.5:1 on white (WCAG AA), one value for every input. */
export const PLACEHOLDER_STYLE = `color:${COLORS.placeholder}`
