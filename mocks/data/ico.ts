/**
 * IČO, the eight-digit identification number of persons in the register of persons (ROS): seven
 * digits weighted 8…2, and a check digit (11 − sum mod 11) mod 10.
 */

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2] as const;

function checkDigit(stem: string): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(stem[i]) * (WEIGHTS[i] ?? 0);
  return (11 - (sum % 11)) % 10;
}

/** The IČO whose first seven digits are `stem` (0–9,999,999). */
export function icoFromStem(stem: number): string {
  if (!Number.isInteger(stem) || stem < 0 || stem > 9_999_999) throw new RangeError('an IČO stem has seven digits');
  const digits = String(stem).padStart(7, '0');
  return `${digits}${checkDigit(digits)}`;
}

export function isValidIco(text: string): boolean {
  return /^\d{8}$/.test(text) && checkDigit(text) === Number(text[7]);
}
