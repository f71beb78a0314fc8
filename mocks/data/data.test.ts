import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AIFO_PATTERN, createOrg } from './aifo.ts';
import { birthNumber, isValidBirthNumber, parseBirthNumber } from './birth-number.ts';
import { icoFromStem, isValidIco } from './ico.ts';
import { createPopulation } from './population.ts';
import { isValidVin, VIN_PATTERN, withVinCheck } from './vin.ts';

const dates = fc
  .date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('birth numbers', () => {
  it('every number made reads back to its date, sex and serial', () => {
    fc.assert(
      fc.property(
        dates,
        fc.constantFrom('M' as const, 'F' as const),
        fc.integer({ min: 0, max: 999 }),
        fc.boolean(),
        (date, sex, serial, extend) => {
          const extended = extend && date >= '2004';
          const made = birthNumber(date, sex, serial, extended);
          if (made === undefined) {
            // Only a post-1985 stem with remainder 10 has no number.
            expect(date >= '1986').toBe(true);
            return;
          }
          expect(made).toHaveLength(date < '1954' ? 9 : 10);
          if (date >= '1954' && !(date <= '1985-12-31' && made.endsWith('0') && Number(made) % 11 !== 0)) expect(Number(made) % 11).toBe(0);
          expect(parseBirthNumber(made)).toEqual({ birthDate: date, sex, serial, extended });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('knows the rules of each era', () => {
    expect(birthNumber('1980-05-12', 'M', 8)).toBe('8005120080'); // 800512008 % 11 = 10 → 0, allowed before 1986
    expect(isValidBirthNumber('8005120080')).toBe(true);
    expect(birthNumber('1990-05-12', 'M', 0)).toBe('9005120003');
    expect(isValidBirthNumber('9005120070')).toBe(false); // remainder 10 after 1985
    expect(birthNumber('1990-05-12', 'M', 7)).toBeUndefined();
    expect(isValidBirthNumber('900512/0001')).toBe(false);
    expect(isValidBirthNumber('5307150123')).toBe(false); // ten digits before 1954
    expect(isValidBirthNumber('530715012')).toBe(true);
    expect(isValidBirthNumber('8552311234')).toBe(false); // 31 February
    expect(parseBirthNumber('0472150008')).toEqual({ birthDate: '2004-02-15', sex: 'F', serial: 0, extended: true }); // +70
    expect(isValidBirthNumber('9922150007')).toBe(false); // +20 before 2004
  });

  it('refuses any single changed digit of a ten-digit number', () => {
    fc.assert(
      // From 1986 on, a ten-digit number is valid only when divisible by 11; one changed digit breaks that.
      fc.property(
        fc.integer({ min: 1986, max: 2020 }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        (year, serial, position, delta) => {
          const made = birthNumber(`${year}-03-10`, 'M', serial);
          if (made === undefined) return;
          expect(isValidBirthNumber(made)).toBe(true);
          const changed = `${made.slice(0, position)}${(Number(made[position]) + delta) % 10}${made.slice(position + 1)}`;
          // A changed year digit can land before 1986, where a remainder of 10 with check digit 0 is valid.
          const yy = Number(changed.slice(0, 2));
          fc.pre((yy < 54 ? 2000 : 1900) + yy >= 1986);
          expect(isValidBirthNumber(changed)).toBe(false);
        },
      ),
    );
  });
});

describe('IČO', () => {
  it('every IČO made validates, and a changed digit does not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_999_999 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        (stem, position, delta) => {
          const ico = icoFromStem(stem);
          expect(isValidIco(ico)).toBe(true);
          const changed = `${ico.slice(0, position)}${(Number(ico[position]) + delta) % 10}${ico.slice(position + 1)}`;
          // The mod-11 scheme folds remainders 0 and 10 onto one digit, so a change there can pass.
          if (isValidIco(changed)) expect([0, 1]).toContain(Number(changed[7]));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('matches known public IČO', () => {
    expect(isValidIco('00007064')).toBe(true);
    expect(isValidIco('00064581')).toBe(true);
    expect(isValidIco('00064582')).toBe(false);
    expect(isValidIco('2547123')).toBe(false);
  });
});

describe('AIFO', () => {
  it('differs per agenda, does not collide, and translates only through ORG', () => {
    const org = createOrg('test-secret', 500);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 499 }),
        fc.integer({ min: 0, max: 499 }),
        fc.constantFrom('A121', 'A343', 'A1000'),
        fc.constantFrom('A7', 'A999999'),
        (p, q, a, b) => {
          const aifo = org.aifoOf(p, a);
          expect(aifo).toMatch(AIFO_PATTERN);
          expect(Buffer.from(aifo, 'base64')).toHaveLength(17);
          expect(org.aifoOf(p, b)).not.toBe(aifo);
          if (p !== q) expect(org.aifoOf(q, a)).not.toBe(aifo);
          expect(org.personOf(a, aifo)).toBe(p);
          expect(org.personOf(b, aifo)).toBeUndefined();
          expect(org.translate(aifo, a, b)).toBe(org.aifoOf(p, b));
        },
      ),
    );
    const all = new Set<string>();
    for (const agenda of ['A1', 'A2', 'A3']) for (let p = 0; p < 500; p++) all.add(org.aifoOf(p, agenda));
    expect(all.size).toBe(1500);
    expect(createOrg('other-secret', 500).aifoOf(1, 'A1')).not.toBe(org.aifoOf(1, 'A1'));
  });
});

describe('population', () => {
  const population = createPopulation({ seed: 'test', persons: 3000 });

  it('is the same for the same seed and differs for another', () => {
    const again = createPopulation({ seed: 'test', persons: 3000 });
    const other = createPopulation({ seed: 'other', persons: 3000 });
    for (const i of [0, 17, 2999]) {
      expect(again.person(i)).toEqual(population.person(i));
      expect(again.legalPerson(i % 150)).toEqual(population.legalPerson(i % 150));
      expect(again.vehicle(i % 1000)).toEqual(population.vehicle(i % 1000));
      expect(again.org.aifoOf(i, 'A121')).toBe(population.org.aifoOf(i, 'A121'));
    }
    expect([0, 1, 2].map((i) => other.person(i).birthNumber)).not.toEqual([0, 1, 2].map((i) => population.person(i).birthNumber));
  });

  it('has valid, unique identifiers and gendered surnames', () => {
    const numbers = new Set<string>();
    for (let i = 0; i < population.counts.persons; i++) {
      const p = population.person(i);
      const parsed = parseBirthNumber(p.birthNumber);
      expect(parsed?.birthDate).toBe(p.birthDate);
      expect(parsed?.sex).toBe(p.sex);
      numbers.add(p.birthNumber);
      if (p.sex === 'F') expect(p.surname).toMatch(/á$/);
      else expect(p.surname).not.toMatch(/ová$/);
      expect(p.address).toBeLessThan(population.counts.addressPlaces);
    }
    expect(numbers.size).toBe(population.counts.persons);
    const icos = new Set<string>();
    for (let i = 0; i < population.counts.legalPersons; i++) {
      const lp = population.legalPerson(i);
      expect(isValidIco(lp.ico)).toBe(true);
      expect(population.legalByIco(lp.ico)).toBe(i);
      expect(lp.dataBox).toMatch(/^[a-km-np-z2-9]{7}$/);
      icos.add(lp.ico);
    }
    expect(icos.size).toBe(population.counts.legalPersons);
    expect(population.legalPerson(1)).toMatchObject({ ico: '00064581', name: 'Hlavní město Praha' });
    for (let i = 0; i < population.counts.vehicles; i++) {
      const v = population.vehicle(i);
      expect(isValidVin(v.vin)).toBe(true);
      expect(v.plate).toMatch(/^[1-9][A-Z][A-Z0-9] \d{4}$/);
      expect(population.vehicleByVin(v.vin)).toBe(i);
      expect(population.vehicleByPlate(v.plate.replace(' ', ''))).toBe(i);
      expect(population.vehiclesOf(v.keeper)).toContain(i);
    }
    for (let i = 0; i < population.counts.addressPlaces; i++) {
      const a = population.addressPlace(i);
      expect(population.addressByCode(a.code)).toBe(i);
      expect(a.postcode).toMatch(/^\d{5}$/);
      expect(a.text).toContain(a.municipality.name);
    }
  });

  it('finds persons by name and birth date', () => {
    const p = population.person(42);
    expect(population.findPersons({ givenName: p.givenName, surname: p.surname, birthDate: p.birthDate })).toContain(42);
    expect(population.findPersons({ givenName: p.givenName, surname: p.surname, birthDate: '1800-01-01' })).toEqual([]);
    expect(population.findPersons({ givenName: 'Nikdo', surname: p.surname, birthDate: p.birthDate })).toEqual([]);
  });

  it('gives some adults a criminal record and no child one', () => {
    let withRecord = 0;
    for (let i = 0; i < population.counts.persons; i++) {
      const record = population.criminalRecord(i);
      if (record.length > 0) {
        withRecord++;
        expect(population.person(i).birthDate < '2006-01-01').toBe(true);
        for (const entry of record) expect(entry.decided > population.person(i).birthDate).toBe(true);
      }
    }
    expect(withRecord).toBeGreaterThan(0);
    expect(withRecord).toBeLessThan(population.counts.persons * 0.1);
  });
});

describe('VIN', () => {
  const vinChars = fc.constantFrom(...'ABCDEFGHJKLMNPRSTUVWXYZ0123456789');
  const vins = fc.array(vinChars, { minLength: 17, maxLength: 17 }).map((chars) => withVinCheck(chars.join('')));

  it('accepts a VIN with its check character and refuses it with any other', () => {
    fc.assert(
      fc.property(vins, fc.constantFrom(...'0123456789X'), (vin, other) => {
        expect(isValidVin(vin)).toBe(true);
        fc.pre(other !== vin[8]);
        expect(isValidVin(`${vin.slice(0, 8)}${other}${vin.slice(9)}`)).toBe(false);
      }),
    );
  });

  it('refuses the letters I, O and Q and any length but 17', () => {
    expect(VIN_PATTERN.test('U5YH514138A10472')).toBe(false);
    expect(isValidVin(withVinCheck('U5YH514138A104729').replace('U', 'I'))).toBe(false);
    expect(isValidVin(withVinCheck('U5YH514138A104729').replace('U', 'O'))).toBe(false);
  });
});
