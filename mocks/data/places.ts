/**
 * Municipalities, their parts and streets for synthetic RUIAN address places. The names are real Czech
 * towns and common street names; every code (municipality, part, street, address place) is synthetic,
 * shaped like RUIAN's but not taken from it. `weight` spreads addresses roughly like the population.
 */
import { cumulativeWeights } from './random.ts';

export interface Municipality {
  readonly name: string;
  readonly weight: number;
  /** The first postcode of the town; parts get the following ones. */
  readonly postcode: number;
  readonly parts: readonly string[];
  /** Whether addresses have streets; villages number houses within the part only. */
  readonly streets: boolean;
  /** The region letter of vehicle plates registered there. */
  readonly plateRegion: string;
}

export const MUNICIPALITIES: readonly Municipality[] = [
  {
    name: 'Praha',
    weight: 130,
    postcode: 11000,
    parts: ['Staré Město', 'Nové Město', 'Vinohrady', 'Žižkov', 'Smíchov', 'Karlín', 'Dejvice', 'Holešovice'],
    streets: true,
    plateRegion: 'A',
  },
  {
    name: 'Brno',
    weight: 40,
    postcode: 60200,
    parts: ['Veveří', 'Žabovřesky', 'Královo Pole', 'Líšeň', 'Židenice'],
    streets: true,
    plateRegion: 'B',
  },
  {
    name: 'Ostrava',
    weight: 28,
    postcode: 70200,
    parts: ['Moravská Ostrava', 'Poruba', 'Zábřeh nad Odrou', 'Vítkovice'],
    streets: true,
    plateRegion: 'T',
  },
  {
    name: 'Plzeň',
    weight: 17,
    postcode: 30100,
    parts: ['Jižní Předměstí', 'Severní Předměstí', 'Doubravka', 'Lochotín'],
    streets: true,
    plateRegion: 'P',
  },
  {
    name: 'Liberec',
    weight: 10,
    postcode: 46001,
    parts: ['Liberec I-Staré Město', 'Ruprechtice', 'Vratislavice nad Nisou'],
    streets: true,
    plateRegion: 'L',
  },
  { name: 'Olomouc', weight: 10, postcode: 77900, parts: ['Olomouc', 'Nová Ulice', 'Hodolany'], streets: true, plateRegion: 'M' },
  {
    name: 'České Budějovice',
    weight: 9,
    postcode: 37001,
    parts: ['České Budějovice 1', 'České Budějovice 3', 'Suché Vrbné'],
    streets: true,
    plateRegion: 'C',
  },
  {
    name: 'Hradec Králové',
    weight: 9,
    postcode: 50002,
    parts: ['Hradec Králové', 'Nový Hradec Králové', 'Pražské Předměstí'],
    streets: true,
    plateRegion: 'H',
  },
  {
    name: 'Ústí nad Labem',
    weight: 9,
    postcode: 40001,
    parts: ['Ústí nad Labem-centrum', 'Střekov', 'Krásné Březno'],
    streets: true,
    plateRegion: 'U',
  },
  {
    name: 'Pardubice',
    weight: 9,
    postcode: 53002,
    parts: ['Zelené Předměstí', 'Bílé Předměstí', 'Polabiny'],
    streets: true,
    plateRegion: 'E',
  },
  { name: 'Zlín', weight: 7, postcode: 76001, parts: ['Zlín', 'Malenovice', 'Prštné'], streets: true, plateRegion: 'Z' },
  { name: 'Jihlava', weight: 5, postcode: 58601, parts: ['Jihlava', 'Horní Kosov'], streets: true, plateRegion: 'J' },
  { name: 'Karlovy Vary', weight: 5, postcode: 36001, parts: ['Karlovy Vary', 'Rybáře', 'Drahovice'], streets: true, plateRegion: 'K' },
  { name: 'Kladno', weight: 7, postcode: 27201, parts: ['Kladno', 'Kročehlavy', 'Rozdělov'], streets: true, plateRegion: 'S' },
  { name: 'Tábor', weight: 3, postcode: 39001, parts: ['Tábor', 'Čekanice'], streets: true, plateRegion: 'C' },
  { name: 'Třebíč', weight: 3, postcode: 67401, parts: ['Horka-Domky', 'Nové Město'], streets: true, plateRegion: 'J' },
  { name: 'Kolín', weight: 3, postcode: 28002, parts: ['Kolín I', 'Kolín II'], streets: true, plateRegion: 'S' },
  { name: 'Písek', weight: 3, postcode: 39701, parts: ['Budějovické Předměstí', 'Pražské Předměstí'], streets: true, plateRegion: 'C' },
  { name: 'Dolní Bukovsko', weight: 1, postcode: 37365, parts: ['Dolní Bukovsko', 'Pelejovice'], streets: false, plateRegion: 'C' },
  { name: 'Horní Bečva', weight: 1, postcode: 75657, parts: ['Horní Bečva'], streets: false, plateRegion: 'Z' },
  { name: 'Ostrov u Macochy', weight: 1, postcode: 67914, parts: ['Ostrov u Macochy'], streets: false, plateRegion: 'B' },
  { name: 'Kamenice', weight: 2, postcode: 25168, parts: ['Kamenice', 'Ládví', 'Těptín'], streets: false, plateRegion: 'S' },
];

export const STREETS = [
  'Nádražní',
  'Školní',
  'Husova',
  'Masarykova',
  'Komenského',
  'Palackého',
  'Sokolská',
  'Zahradní',
  'Polní',
  'Lipová',
  'Jiráskova',
  'Tyršova',
  'Smetanova',
  'Nerudova',
  'Havlíčkova',
  'Riegrova',
  'Žižkova',
  'Svatopluka Čecha',
  'Krátká',
  'Luční',
  'Květná',
  'Na Výsluní',
  'U Hřiště',
  'Pražská',
  'Dlouhá',
  'Purkyňova',
  'Kollárova',
  'Wolkerova',
  'Jungmannova',
  'Revoluční',
] as const;

/** Synthetic RUIAN-shaped codes: six digits for a municipality, six for a part, seven for a street. */
export function municipalityCode(index: number): number {
  return 500_011 + index * 1_013;
}

export function partCode(municipality: number, part: number): number {
  return 400_003 + municipality * 97 + part;
}

export function streetCode(municipality: number, street: number): number {
  return 7_000_009 + municipality * 1_009 + street * 7;
}

/** Cumulative weights for picking a municipality in proportion to its weight. */
export const MUNICIPALITY_CUMULATIVE: readonly number[] = cumulativeWeights(MUNICIPALITIES.map((m) => m.weight));
