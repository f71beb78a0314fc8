/**
 * The synthetic population behind every mock: persons, address places, legal persons, vehicles and
 * criminal records, deterministic from a seed and cheap enough for a million persons. Everything is
 * held in typed arrays and turned into records only when a mock reads one.
 */
import { createOrg, type Org } from './aifo.ts';
import { birthNumber, type Sex } from './birth-number.ts';
import {
  CITIZENSHIPS,
  CLUB_NAMES,
  COLOURS,
  COURTS,
  DATA_BOX_ALPHABET,
  FUELS,
  LEGAL_FORMS,
  OFFENCES,
  PUBLIC_LEGAL_FORMS,
  SENTENCES,
  TRADES,
  VEHICLE_MODELS,
} from './catalogues.ts';
import { icoFromStem } from './ico.ts';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES } from './names.ts';
import { MUNICIPALITIES, MUNICIPALITY_CUMULATIVE, STREETS, municipalityCode, partCode, streetCode } from './places.ts';
import { createRandom, cumulativeWeights, weightedIndex, type Random } from './random.ts';
import { withVinCheck } from './vin.ts';

export interface PopulationOptions {
  /** Same seed, same data. */
  readonly seed?: string;
  readonly persons?: number;
}

export interface CodeName {
  readonly code: number;
  readonly name: string;
}

export interface Person {
  readonly index: number;
  readonly givenName: string;
  readonly surname: string;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly birthNumber: string;
  readonly birthPlace: CodeName;
  readonly address: number;
  readonly citizenship: string;
  readonly deathDate?: string;
  readonly dataBox?: string;
}

export interface AddressPlace {
  readonly index: number;
  readonly code: number;
  readonly municipality: CodeName;
  readonly part: CodeName;
  readonly street?: CodeName;
  /** Číslo popisné. */
  readonly houseNumber: number;
  /** Číslo orientační, on streets only. */
  readonly orientationNumber?: number;
  readonly postcode: string;
  readonly text: string;
}

export interface StatutoryMember {
  readonly role: string;
  readonly person: number;
}

export interface LegalPerson {
  readonly index: number;
  readonly ico: string;
  readonly name: string;
  readonly legalForm: CodeName;
  readonly established: string;
  readonly address: number;
  readonly dataBox: string;
  readonly statutoryBody: readonly StatutoryMember[];
}

export type Keeper = { readonly kind: 'person'; readonly person: number } | { readonly kind: 'legal'; readonly legal: number };

export interface Vehicle {
  readonly index: number;
  readonly vin: string;
  readonly plate: string;
  readonly make: string;
  readonly model: string;
  readonly year: number;
  readonly firstRegistered: string;
  readonly fuel: string;
  readonly colour: string;
  readonly keeper: Keeper;
}

export interface CriminalRecordEntry {
  readonly decided: string;
  readonly court: string;
  readonly section: string;
  readonly offence: string;
  readonly sentence: string;
}

export interface PersonQuery {
  readonly givenName: string;
  readonly surname: string;
  readonly birthDate: string;
}

export interface Population {
  readonly seed: string;
  readonly counts: { readonly persons: number; readonly addressPlaces: number; readonly legalPersons: number; readonly vehicles: number };
  /** The ORG-like AIFO function over these persons. */
  readonly org: Org;
  person(index: number): Person;
  addressPlace(index: number): AddressPlace;
  legalPerson(index: number): LegalPerson;
  vehicle(index: number): Vehicle;
  addressByCode(code: number): number | undefined;
  legalByIco(ico: string): number | undefined;
  vehicleByVin(vin: string): number | undefined;
  /** By plate, with or without the space. */
  vehicleByPlate(plate: string): number | undefined;
  vehiclesOf(keeper: Keeper): readonly number[];
  findPersons(query: PersonQuery): readonly number[];
  criminalRecord(person: number): readonly CriminalRecordEntry[];
}

/** Birth dates fall between these (fixed, so that the same seed gives the same data on any day). */
const FIRST_BIRTH = Date.UTC(1930, 0, 1) / 86_400_000;
const LAST_BIRTH = Date.UTC(2024, 11, 31) / 86_400_000;
const ADULT_BEFORE = Date.UTC(2006, 0, 1) / 86_400_000;
const NO_DAY = -0x8000_0000;
const HAS_DATA_BOX = 1;
const ADDRESS_CODE_SPAN = 89_999_999;
/** Plates are unique up to this many vehicles (9 × 31 × 10,000). */
const MAX_VEHICLES = 2_790_000;

/** The public bodies of the demo registry, present in ROS under their real IČO. */
const FIXED_LEGAL_PERSONS = [
  { ico: '00007064', name: 'Ministerstvo vnitra', form: PUBLIC_LEGAL_FORMS.STATE_UNIT, municipality: 0, established: '1993-01-01' },
  { ico: '00064581', name: 'Hlavní město Praha', form: PUBLIC_LEGAL_FORMS.MUNICIPALITY, municipality: 0, established: '1990-11-24' },
] as const;

export function createPopulation({ seed = 'egsb', persons: personCount = 10_000 }: PopulationOptions = {}): Population {
  if (!Number.isInteger(personCount) || personCount < 10 || personCount > 20_000_000) throw new RangeError('persons must be 10–20,000,000');
  const addressCount = Math.max(64, Math.ceil(personCount / 3));
  const legalCount = Math.max(50, Math.ceil(personCount / 20));
  const vehicleCount = Math.min(MAX_VEHICLES, Math.max(50, Math.ceil(personCount / 3)));
  const random = createRandom(seed);

  const addresses = generateAddresses(random.fork('addresses'), addressCount);
  const people = generatePersons(random.fork('persons'), personCount, addressCount);
  const legal = generateLegalPersons(random.fork('legal'), legalCount, personCount, addressCount, people);
  const vehicles = generateVehicles(random.fork('vehicles'), vehicleCount, personCount, legalCount);
  const org = createOrg(`egsb-mock-org/${seed}`, personCount);

  const addressCodeOf = (index: number): number => 10_000_000 + ((index * 7_919 + 12_345) % ADDRESS_CODE_SPAN);
  const icoOf = (index: number): string => {
    const fixed = FIXED_LEGAL_PERSONS[index];
    // Generated stems stay at 10,000 and above, clear of the fixed public bodies' IČO.
    return fixed ? fixed.ico : icoFromStem(10_000 + ((index * 7_368_787 + 2_450_011) % 9_990_000));
  };

  const addressPlace = (index: number): AddressPlace => {
    check(index, addressCount, 'address place');
    const m = addresses.municipality[index] ?? 0;
    const municipality = MUNICIPALITIES[m] ?? (MUNICIPALITIES[0] as (typeof MUNICIPALITIES)[number]);
    const p = addresses.part[index] ?? 0;
    const s = addresses.street[index] ?? -1;
    const houseNumber = addresses.house[index] ?? 1;
    const orientation = addresses.orientation[index] ?? 0;
    const partName = municipality.parts[p] ?? municipality.name;
    const street = s >= 0 ? { code: streetCode(m, s), name: STREETS[s] ?? 'Hlavní' } : undefined;
    const postcode = String(municipality.postcode + p * 10);
    const numbers = orientation > 0 ? `${houseNumber}/${orientation}` : `č. p. ${houseNumber}`;
    const placeInTown = partName === municipality.name ? municipality.name : `${partName}, ${municipality.name}`;
    const text = street
      ? `${street.name} ${numbers}, ${placeInTown}, ${postcode.slice(0, 3)} ${postcode.slice(3)}`
      : `${partName} ${numbers}, ${municipality.name}, ${postcode.slice(0, 3)} ${postcode.slice(3)}`;
    return {
      index,
      code: addressCodeOf(index),
      municipality: { code: municipalityCode(m), name: municipality.name },
      part: { code: partCode(m, p), name: partName },
      ...(street ? { street } : {}),
      houseNumber,
      ...(orientation > 0 ? { orientationNumber: orientation } : {}),
      postcode,
      text,
    };
  };

  const person = (index: number): Person => {
    check(index, personCount, 'person');
    const female = people.female[index] === 1;
    const surnames = SURNAMES[people.surname[index] ?? 0] ?? SURNAMES[0];
    const birthDay = people.birthDay[index] ?? FIRST_BIRTH;
    const birthDate = isoDay(birthDay);
    const serial = people.serial[index] ?? 0;
    const deathDay = people.deathDay[index] ?? NO_DAY;
    const place = people.birthPlace[index] ?? 0;
    return {
      index,
      givenName: (female ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES)[people.given[index] ?? 0] ?? 'Jan',
      surname: (female ? surnames?.[1] : surnames?.[0]) ?? 'Novák',
      sex: female ? 'F' : 'M',
      birthDate,
      birthNumber: birthNumber(birthDate, female ? 'F' : 'M', serial & 0x3ff, (serial & 0x400) !== 0) ?? '',
      birthPlace: { code: municipalityCode(place), name: MUNICIPALITIES[place]?.name ?? 'Praha' },
      address: people.address[index] ?? 0,
      citizenship: CITIZENSHIPS[people.citizenship[index] ?? 0] ?? 'CZ',
      ...(deathDay !== NO_DAY ? { deathDate: isoDay(deathDay) } : {}),
      ...(((people.flags[index] ?? 0) & HAS_DATA_BOX) !== 0 ? { dataBox: dataBoxId(0, index) } : {}),
    };
  };

  const legalPerson = (index: number): LegalPerson => {
    check(index, legalCount, 'legal person');
    const fixed = FIXED_LEGAL_PERSONS[index];
    const members: StatutoryMember[] = [];
    const form = LEGAL_FORMS[legal.form[index] ?? 0] ?? LEGAL_FORMS[0];
    for (let k = 0; k < 3; k++) {
      const member = legal.statutory[index * 3 + k] ?? 0;
      if (member > 0) members.push({ role: fixed ? 'vedoucí' : form.statutory, person: member - 1 });
    }
    const name = fixed ? fixed.name : legalName(form, legal.nameA[index] ?? 0, legal.nameB[index] ?? 0);
    return {
      index,
      ico: icoOf(index),
      name,
      legalForm: fixed ? fixed.form : { code: form.code, name: form.name },
      established: fixed ? fixed.established : isoDay(legal.established[index] ?? FIRST_BIRTH),
      address: legal.address[index] ?? 0,
      dataBox: dataBoxId(1, index),
      statutoryBody: members,
    };
  };

  const vehicle = (index: number): Vehicle => {
    check(index, vehicleCount, 'vehicle');
    const model = VEHICLE_MODELS[vehicles.model[index] ?? 0] ?? VEHICLE_MODELS[0];
    const year = vehicles.year[index] ?? 2015;
    const keeperCode = vehicles.keeper[index] ?? 0;
    const keeper: Keeper =
      keeperCode < personCount ? { kind: 'person', person: keeperCode } : { kind: 'legal', legal: keeperCode - personCount };
    const keeperAddress = keeper.kind === 'person' ? (people.address[keeper.person] ?? 0) : (legal.address[keeper.legal] ?? 0);
    const region = MUNICIPALITIES[addresses.municipality[keeperAddress] ?? 0]?.plateRegion ?? 'A';
    return {
      index,
      vin: vinOf(model.wmi, model.vds, year, index),
      plate: plateOf(region, index),
      make: model.make,
      model: model.model,
      year,
      firstRegistered: isoDay(vehicles.registered[index] ?? 0),
      fuel: FUELS[vehicles.fuel[index] ?? 0] ?? 'BA',
      colour: COLOURS[vehicles.colour[index] ?? 0] ?? 'BÍLÁ',
      keeper,
    };
  };

  const lazyIndex = <K>(build: () => Map<K, number>): (() => Map<K, number>) => {
    let built: Map<K, number> | undefined;
    return () => (built ??= build());
  };
  const byAddressCode = lazyIndex(() => mapOf(addressCount, addressCodeOf));
  const byIco = lazyIndex(() => mapOf(legalCount, icoOf));
  const byVin = lazyIndex(() => mapOf(vehicleCount, (i) => vehicle(i).vin));
  const byPlate = lazyIndex(() => mapOf(vehicleCount, (i) => vehicle(i).plate.replace(' ', '')));
  let byKeeper: Map<number, number[]> | undefined;
  let byName: Map<number, number[]> | undefined;
  const nameKey = (female: number, surname: number, given: number, day: number): number =>
    (((day - FIRST_BIRTH) * 64 + surname) * 64 + given) * 2 + female;

  return {
    seed,
    counts: { persons: personCount, addressPlaces: addressCount, legalPersons: legalCount, vehicles: vehicleCount },
    org,
    person,
    addressPlace,
    legalPerson,
    vehicle,
    addressByCode: (code) => byAddressCode().get(code),
    legalByIco: (ico) => byIco().get(ico),
    vehicleByVin: (vin) => byVin().get(vin.toUpperCase()),
    vehicleByPlate: (plate) => byPlate().get(plate.replace(/\s+/g, '').toUpperCase()),
    vehiclesOf(keeper) {
      if (byKeeper === undefined) {
        byKeeper = new Map();
        for (let i = 0; i < vehicleCount; i++) {
          const code = vehicles.keeper[i] ?? 0;
          const list = byKeeper.get(code);
          if (list) list.push(i);
          else byKeeper.set(code, [i]);
        }
      }
      return byKeeper.get(keeper.kind === 'person' ? keeper.person : personCount + keeper.legal) ?? [];
    },
    findPersons({ givenName, surname, birthDate }) {
      if (byName === undefined) {
        byName = new Map();
        for (let i = 0; i < personCount; i++) {
          const key = nameKey(people.female[i] ?? 0, people.surname[i] ?? 0, people.given[i] ?? 0, people.birthDay[i] ?? 0);
          const list = byName.get(key);
          if (list) list.push(i);
          else byName.set(key, [i]);
        }
      }
      const day = /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? Date.parse(`${birthDate}T00:00:00Z`) / 86_400_000 : Number.NaN;
      const found: number[] = [];
      for (const { female, index: s } of SURNAME_INDEX.get(surname) ?? []) {
        const g = (female ? FEMALE_INDEX : MALE_INDEX).get(givenName);
        if (g === undefined || !Number.isInteger(day)) continue;
        found.push(...(byName.get(nameKey(female, s, g, day)) ?? []));
      }
      return found;
    },
    criminalRecord(index) {
      check(index, personCount, 'person');
      const birthDay = people.birthDay[index] ?? FIRST_BIRTH;
      const h = mix32(index ^ 0x5bd1e995);
      if (birthDay >= ADULT_BEFORE || h % 100 >= 4) return [];
      const entries: CriminalRecordEntry[] = [];
      const count = 1 + ((h >>> 8) % 2);
      for (let k = 0; k < count; k++) {
        const hk = mix32(h + k);
        const offence = OFFENCES[hk % OFFENCES.length] ?? OFFENCES[0];
        const firstAdultDay = birthDay + 18 * 366;
        entries.push({
          decided: isoDay(firstAdultDay + (hk % Math.max(1, LAST_BIRTH - firstAdultDay))),
          court: COURTS[(hk >>> 4) % COURTS.length] ?? COURTS[0],
          section: offence.section,
          offence: offence.name,
          sentence: SENTENCES[(hk >>> 9) % SENTENCES.length] ?? SENTENCES[0],
        });
      }
      return entries.sort((a, b) => a.decided.localeCompare(b.decided));
    },
  };
}

const SURNAME_INDEX = new Map<string, { female: number; index: number }[]>();
SURNAMES.forEach(([male, female], index) => {
  for (const [form, isFemale] of [
    [male, 0],
    [female, 1],
  ] as const)
    SURNAME_INDEX.set(form, [...(SURNAME_INDEX.get(form) ?? []), { female: isFemale, index }]);
});
if (SURNAMES.length > 64 || MALE_GIVEN_NAMES.length > 64 || FEMALE_GIVEN_NAMES.length > 64)
  throw new Error('name lists must fit the 6-bit search key');
const MALE_INDEX = new Map<string, number>(MALE_GIVEN_NAMES.map((name, i) => [name, i]));
const FEMALE_INDEX = new Map<string, number>(FEMALE_GIVEN_NAMES.map((name, i) => [name, i]));

function generateAddresses(random: Random, count: number) {
  const municipality = new Uint8Array(count);
  const part = new Uint8Array(count);
  const street = new Int8Array(count);
  const house = new Uint16Array(count);
  const orientation = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const m = weightedIndex(random, MUNICIPALITY_CUMULATIVE);
    const town = MUNICIPALITIES[m] ?? (MUNICIPALITIES[0] as (typeof MUNICIPALITIES)[number]);
    municipality[i] = m;
    part[i] = random.below(town.parts.length);
    street[i] = town.streets ? random.below(STREETS.length) : -1;
    house[i] = town.streets ? random.between(1, 2_999) : random.between(1, 420);
    orientation[i] = town.streets ? random.between(1, 140) : 0;
  }
  return { municipality, part, street, house, orientation };
}

function generatePersons(random: Random, count: number, addressCount: number) {
  const given = new Uint8Array(count);
  const surname = new Uint8Array(count);
  const female = new Uint8Array(count);
  const birthDay = new Int32Array(count);
  const serial = new Uint16Array(count);
  const birthPlace = new Uint8Array(count);
  const address = new Uint32Array(count);
  const deathDay = new Int32Array(count).fill(NO_DAY);
  const citizenship = new Uint8Array(count);
  const flags = new Uint8Array(count);
  // Serials issued so far per (day, sex, extension): unique birth numbers without a set of strings.
  const issued = new Uint16Array((LAST_BIRTH - FIRST_BIRTH + 2) * 4);
  for (let i = 0; i < count; i++) {
    const isFemale = random.chance(0.51);
    female[i] = isFemale ? 1 : 0;
    given[i] = random.below(isFemale ? FEMALE_GIVEN_NAMES.length : MALE_GIVEN_NAMES.length);
    surname[i] = random.below(SURNAMES.length);
    let day = FIRST_BIRTH + random.below(LAST_BIRTH - FIRST_BIRTH + 1);
    let chosen = -1;
    let extended = false;
    while (chosen < 0) {
      const date = isoDay(day);
      const slot = (day - FIRST_BIRTH) * 4 + (isFemale ? 2 : 0) + (extended ? 1 : 0);
      const used = issued[slot] ?? 0;
      if (used >= 1000) {
        if (!extended && Number(date.slice(0, 4)) >= 2004) extended = true;
        else {
          day = day >= LAST_BIRTH ? FIRST_BIRTH : day + 1;
          extended = false;
        }
        continue;
      }
      issued[slot] = used + 1;
      const candidate = (used * 379 + ((day * 31) % 1000) + 1000) % 1000;
      if (birthNumber(date, isFemale ? 'F' : 'M', candidate, extended) !== undefined) chosen = candidate;
    }
    birthDay[i] = day;
    serial[i] = chosen | (extended ? 0x400 : 0);
    birthPlace[i] = weightedIndex(random, MUNICIPALITY_CUMULATIVE);
    address[i] = random.below(addressCount);
    citizenship[i] = random.chance(0.95) ? 0 : 1 + random.below(CITIZENSHIPS.length - 1);
    if (day < Date.UTC(1960, 0, 1) / 86_400_000 && random.chance(0.03)) {
      const from = Math.max(day + 40 * 365, Date.UTC(2000, 0, 1) / 86_400_000);
      deathDay[i] = from + random.below(Math.max(1, LAST_BIRTH - from));
    }
    if (day < ADULT_BEFORE && random.chance(0.4)) flags[i] = HAS_DATA_BOX;
  }
  return { given, surname, female, birthDay, serial, birthPlace, address, deathDay, citizenship, flags };
}

function generateLegalPersons(
  random: Random,
  count: number,
  personCount: number,
  addressCount: number,
  people: ReturnType<typeof generatePersons>,
) {
  const form = new Uint8Array(count);
  const nameA = new Uint8Array(count);
  const nameB = new Uint8Array(count);
  const established = new Int32Array(count);
  const address = new Uint32Array(count);
  const statutory = new Uint32Array(count * 3);
  const weights = cumulativeWeights(LEGAL_FORMS.map((f) => f.weight));
  const adult = (): number => {
    for (let tries = 0; tries < 64; tries++) {
      const p = random.below(personCount);
      if ((people.birthDay[p] ?? 0) < ADULT_BEFORE && (people.deathDay[p] ?? NO_DAY) === NO_DAY) return p;
    }
    return 0;
  };
  for (let i = 0; i < count; i++) {
    form[i] = weightedIndex(random, weights);
    nameA[i] = random.below(SURNAMES.length);
    nameB[i] = random.below(Math.max(TRADES.length, CLUB_NAMES.length));
    established[i] = Date.UTC(1991, 0, 1) / 86_400_000 + random.below(33 * 365);
    address[i] = random.below(addressCount);
    const members = i < FIXED_LEGAL_PERSONS.length ? 1 : 1 + random.below(3);
    for (let k = 0; k < members; k++) statutory[i * 3 + k] = adult() + 1;
  }
  return { form, nameA, nameB, established, address, statutory };
}

function generateVehicles(random: Random, count: number, personCount: number, legalCount: number) {
  const model = new Uint8Array(count);
  const year = new Uint16Array(count);
  const registered = new Int32Array(count);
  const fuel = new Uint8Array(count);
  const colour = new Uint8Array(count);
  const keeper = new Uint32Array(count);
  const weights = cumulativeWeights(VEHICLE_MODELS.map((m) => m.weight));
  for (let i = 0; i < count; i++) {
    model[i] = weightedIndex(random, weights);
    const built = random.between(2001, 2024);
    year[i] = built;
    registered[i] = Date.UTC(built, 0, 1) / 86_400_000 + random.below(365);
    fuel[i] = random.chance(0.8) ? random.below(2) : 2 + random.below(FUELS.length - 2);
    colour[i] = random.below(COLOURS.length);
    keeper[i] = random.chance(0.8) ? random.below(personCount) : personCount + random.below(legalCount);
  }
  return { model, year, registered, fuel, colour, keeper };
}

function legalName(form: (typeof LEGAL_FORMS)[number], a: number, b: number): string {
  const surname = SURNAMES[a % SURNAMES.length]?.[0] ?? 'Novák';
  if (form.code === 706) return `Spolek ${CLUB_NAMES[b % CLUB_NAMES.length] ?? 'přátel'} ${surname}, ${form.suffix}`;
  if (form.code === 117) return `Nadace rodiny ${surname.endsWith('ý') ? `${surname.slice(0, -1)}ých` : `${surname}ových`}`;
  return `${surname} ${TRADES[b % TRADES.length] ?? 'služby'} ${form.suffix}`;
}

/** A 7-character data-box id; unique per kind and index (a bijective mix of the index). */
function dataBoxId(kind: number, index: number): string {
  let bits = mix32(index ^ 0x2545_f491);
  let id = DATA_BOX_ALPHABET[(kind * 4 + (bits >>> 30)) & 31] ?? 'a';
  bits &= 0x3fff_ffff;
  for (let k = 0; k < 6; k++) {
    id += DATA_BOX_ALPHABET[bits & 31] ?? 'a';
    bits >>>= 5;
  }
  return id;
}

function vinOf(wmi: string, vds: string, year: number, index: number): string {
  const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';
  const PLANTS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const yearCode = YEAR_CODES[(year - 2010 + 30) % 30] ?? 'A';
  const plant = PLANTS[Math.floor(index / 1_000_000) % PLANTS.length] ?? 'A';
  const serial = String((index * 370_471 + 104_729) % 1_000_000).padStart(6, '0');
  return withVinCheck(`${wmi}${vds}0${yearCode}${plant}${serial}`);
}

function plateOf(region: string, index: number): string {
  const THIRD = 'ABCDEFHJKLMNPRSTUVXYZ0123456789';
  const digits = String(index % 10_000).padStart(4, '0');
  const third = THIRD[Math.floor(index / 10_000) % THIRD.length] ?? 'A';
  const first = 1 + (Math.floor(index / (10_000 * THIRD.length)) % 9);
  return `${first}${region}${third} ${digits}`;
}

function mapOf<K>(count: number, keyOf: (index: number) => K): Map<K, number> {
  const map = new Map<K, number>();
  for (let i = 0; i < count; i++) map.set(keyOf(i), i);
  return map;
}

/** A bijective 32-bit mix (the murmur3 finaliser). */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function check(index: number, count: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`no ${what} ${index}`);
}
