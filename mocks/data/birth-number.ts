/**
 * Czech birth numbers (rodné číslo), by the rules of the population-register act:
 * - before 1954: nine digits YYMMDDSSS, no check digit;
 * - from 1954: ten digits, the whole number divisible by 11; where the nine-digit stem leaves
 *   remainder 10, the check digit is 0 — allowed only for numbers issued 1954–1985;
 * - women: month + 50; from 2004, when a day's serials run out, month + 20 (men) or + 70 (women).
 * Checked and made here on plain strings; `/` separators are accepted when reading.
 */

export type Sex = 'M' | 'F';

export interface BirthNumberParts {
  readonly birthDate: string;
  readonly sex: Sex;
  /** The three-digit serial after the date. */
  readonly serial: number;
  /** Whether the month carries the post-2004 +20 extension. */
  readonly extended: boolean;
}

/**
 * The birth number of a date, sex and serial; undefined for a serial that cannot be issued (after 1985
 * a stem with remainder 10 has no check digit).
 */
export function birthNumber(birthDate: string, sex: Sex, serial: number, extended = false): string | undefined {
  const year = Number(birthDate.slice(0, 4));
  const month = Number(birthDate.slice(5, 7));
  const day = birthDate.slice(8, 10);
  if (!(serial >= 0 && serial <= 999 && Number.isInteger(serial))) throw new RangeError('serial must be 0–999');
  if (extended && year < 2004) throw new RangeError('the +20 month extension exists only from 2004');
  const coded = month + (sex === 'F' ? 50 : 0) + (extended ? 20 : 0);
  const stem = `${String(year % 100).padStart(2, '0')}${String(coded).padStart(2, '0')}${day}${String(serial).padStart(3, '0')}`;
  if (year < 1954) return stem;
  const remainder = Number(stem) % 11;
  if (remainder === 10) return year <= 1985 ? `${stem}0` : undefined;
  return `${stem}${remainder}`;
}

/** Reads a birth number; undefined when it breaks any rule (length, date, check digit, era). */
export function parseBirthNumber(text: string): BirthNumberParts | undefined {
  const digits = /^(\d{6})\/?(\d{3,4})$/.exec(text);
  if (!digits) return undefined;
  const stem = `${digits[1]}${digits[2]?.slice(0, 3)}`;
  const check = digits[2]?.length === 4 ? Number(digits[2][3]) : undefined;
  const yy = Number(stem.slice(0, 2));
  let month = Number(stem.slice(2, 4));
  const day = Number(stem.slice(4, 6));
  let year: number;
  if (check === undefined) {
    if (yy >= 54) return undefined; // nine digits only before 1954
    year = 1900 + yy;
  } else {
    year = yy >= 54 ? 1900 + yy : 2000 + yy;
    if (year > new Date().getUTCFullYear()) year -= 100;
    const remainder = Number(stem) % 11;
    const expected = remainder === 10 ? 0 : remainder;
    if (check !== expected) return undefined;
    if (remainder === 10 && year > 1985) return undefined;
    if (year < 1954) return undefined;
  }
  let sex: Sex = 'M';
  if (month > 50) {
    sex = 'F';
    month -= 50;
  }
  let extended = false;
  if (month > 20) {
    if (year < 2004) return undefined;
    extended = true;
    month -= 20;
  }
  if (month < 1 || month > 12) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return { birthDate: date.toISOString().slice(0, 10), sex, serial: Number(stem.slice(6, 9)), extended };
}

export function isValidBirthNumber(text: string): boolean {
  return parseBirthNumber(text) !== undefined;
}
