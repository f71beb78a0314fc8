/**
 * Vehicle identification numbers (ISO 3779): 17 characters without I, O and Q. Position 9 holds the
 * check digit of the North American scheme (weights 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, sum mod 11,
 * 10 written X); European makers need not use it, but every VIN made here carries it.
 */

const VALUES: Readonly<Record<string, number>> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;
export const VIN_PATTERN = /^[A-HJ-NPR-Z0-9]{17}$/;

function valueOf(ch: string): number {
  return ch >= '0' && ch <= '9' ? Number(ch) : (VALUES[ch] ?? 0);
}

/** The check character for a 17-character VIN (its own position 9 is ignored). */
export function vinCheckCharacter(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += valueOf(vin[i] ?? '0') * (WEIGHTS[i] ?? 0);
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/** Puts the check character into position 9 of a 17-character VIN. */
export function withVinCheck(vin: string): string {
  if (!VIN_PATTERN.test(vin)) throw new RangeError(`not a VIN shape: ${vin}`);
  return `${vin.slice(0, 8)}${vinCheckCharacter(vin)}${vin.slice(9)}`;
}

export function isValidVin(vin: string): boolean {
  return VIN_PATTERN.test(vin) && vin[8] === vinCheckCharacter(vin);
}
