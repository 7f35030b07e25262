/**
 * Errors of send-reminders (R17). Twins of rows in app.error_codes once wired
 * (the reference rows of supabase/migrations/20261204183000_baseline.sql). The RPCs use core codes
 * (invalid_input, not_found); outcomes of single messages are recorded, never answered.
 */
import type { ErrorTable } from './table.ts';

export const REMINDER_ERRORS = {
  reminders_not_configured: { status: 503, message: '消息提醒的模板尚未配置，请联系系统管理员' },
} as const satisfies ErrorTable;
