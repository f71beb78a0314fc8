/**
 * The calendar day in Europe/Prague, which is what authorisation validity dates mean. Formatting a
 * date in a time zone is not free, so the current day is kept with its bounds and recomputed only
 * when a time falls outside them.
 */
const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Prague', year: 'numeric', month: '2-digit', day: '2-digit' });

let cached = { day: '', from: 0, to: -1 };

/** `YYYY-MM-DD` of the instant `ms` in Prague. */
export function pragueDay(ms: number): string {
  if (ms >= cached.from && ms < cached.to) return cached.day;
  const day = format.format(ms);
  // Prague is UTC+1 or UTC+2: the day starts at most 2 h before its UTC midnight, ends at most 1 h before the next.
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  let from = utcMidnight - 2 * 3600_000;
  while (format.format(from) !== day) from += 15 * 60_000;
  let to = utcMidnight + 22 * 3600_000;
  while (format.format(to) === day) to += 15 * 60_000;
  cached = { day, from, to };
  return day;
}
