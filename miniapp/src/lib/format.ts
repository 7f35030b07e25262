/** Dates as citizens read them, in Asia/Shanghai whatever the phone's zone. Pure. */
import { shanghaiDate } from '../../../shared/calendar/shanghai.ts'

/** '2026-11-29T01:36:33+00:00' → '2026年11月29日 09:36' (Asia/Shanghai). */
export function instantLabel(instant: string): string {
  const day = shanghaiDate(instant)
  const d = new Date(Date.parse(instant) + 8 * 3_600_000)
  const hh = String(d.getUTCHours()).padStart(2, '0')
  const mm = String(d.getUTCMinutes()).padStart(2, '0')
  return `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日 ${hh}:${mm}`
}
