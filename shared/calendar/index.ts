/** R6 working-day calendar: the rule, its generated data and Asia/Shanghai days. */
export { ANNOUNCED_YEARS, CALENDAR_EXCEPTIONS, CALENDAR_SOURCE, LAST_STATUTORY_YEAR, STATUTORY_HOLIDAYS } from './data.ts';
export { addDays, dayNumber, DAY_PATTERN, isoWeekday, isValidDay } from './days.ts';
export {
  addWorkingDays,
  buildCalendar,
  DEFAULT_CALENDAR,
  FIRST_SUPPORTED_DAY,
  isProvisionalYear,
  isWorkingDay,
  LAST_SUPPORTED_DAY,
  MAX_WORKING_DAYS,
  workingDeadline,
  type CalendarData,
  type CalendarRows,
  type WorkingDeadline,
} from './rule.ts';
export { shanghaiDate } from './shanghai.ts';
export { CalendarDayRow, CalendarYearRow, IsoDay, WorkingDeadlineRow } from './schemas.ts';
