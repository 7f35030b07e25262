/** zod schemas of the calendar's API rows (public.calendar_* views and working_deadline). */
import { z } from 'zod';
import { isValidDay } from './days.ts';

export const IsoDay = z.string().refine(isValidDay, { message: 'expected a YYYY-MM-DD day' });

export const WorkingDeadlineRow = z.object({ due_on: IsoDay, is_provisional: z.boolean() });
export type WorkingDeadlineRow = z.infer<typeof WorkingDeadlineRow>;

export const CalendarDayRow = z.object({
  day: IsoDay,
  is_workday: z.boolean(),
  kind: z.enum(['holiday', 'makeup_workday', 'workday']),
  name: z.string().nullable(),
  note: z.string().nullable(),
  source: z.enum(['chinese-days', 'supervisor']),
  updated_at: z.string(),
});
export type CalendarDayRow = z.infer<typeof CalendarDayRow>;

export const CalendarYearRow = z.object({
  year: z.number().int(),
  source: z.enum(['chinese-days', 'supervisor']),
  loaded_at: z.string(),
});
export type CalendarYearRow = z.infer<typeof CalendarYearRow>;
