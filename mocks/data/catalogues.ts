/** Fixed lists behind the synthetic legal persons, vehicles and criminal records. */

/** Legal forms as the ROS code list numbers them. */
export const LEGAL_FORMS = [
  { code: 112, name: 'Společnost s ručením omezeným', suffix: 's.r.o.', statutory: 'jednatel', weight: 60 },
  { code: 121, name: 'Akciová společnost', suffix: 'a.s.', statutory: 'člen představenstva', weight: 10 },
  { code: 205, name: 'Družstvo', suffix: 'družstvo', statutory: 'předseda představenstva', weight: 5 },
  { code: 706, name: 'Spolek', suffix: 'z. s.', statutory: 'předseda', weight: 15 },
  { code: 141, name: 'Obecně prospěšná společnost', suffix: 'o.p.s.', statutory: 'ředitel', weight: 5 },
  { code: 117, name: 'Nadace', suffix: 'nadace', statutory: 'předseda správní rady', weight: 5 },
] as const;

export const PUBLIC_LEGAL_FORMS = {
  STATE_UNIT: { code: 325, name: 'Organizační složka státu' },
  MUNICIPALITY: { code: 801, name: 'Obec' },
} as const;

export const TRADES = [
  'stavby',
  'doprava',
  'trade',
  'software',
  'služby',
  'strojírna',
  'zahradnictví',
  'pekárna',
  'elektro',
  'consulting',
  'reality',
  'nábytek',
  'logistika',
  'agro',
  'tisk',
  'energie',
] as const;

export const CLUB_NAMES = ['přátel historie', 'rybářů', 'dobrovolných hasičů', 'rodičů', 'turistů', 'zahrádkářů'] as const;

export const VEHICLE_MODELS = [
  { make: 'ŠKODA', model: 'OCTAVIA', wmi: 'TMB', vds: 'AG7NE', weight: 20 },
  { make: 'ŠKODA', model: 'FABIA', wmi: 'TMB', vds: 'EP6NJ', weight: 15 },
  { make: 'ŠKODA', model: 'SUPERB', wmi: 'TMB', vds: 'JH7NP', weight: 6 },
  { make: 'VOLKSWAGEN', model: 'GOLF', wmi: 'WVW', vds: 'ZZZAU', weight: 8 },
  { make: 'HYUNDAI', model: 'I30', wmi: 'TMA', vds: 'H351A', weight: 6 },
  { make: 'TOYOTA', model: 'YARIS', wmi: 'VNK', vds: 'KL3D3', weight: 5 },
  { make: 'FORD', model: 'FOCUS', wmi: 'WF0', vds: 'XXGCD', weight: 4 },
  { make: 'RENAULT', model: 'CLIO', wmi: 'VF1', vds: 'RJA00', weight: 4 },
  { make: 'PEUGEOT', model: '208', wmi: 'VF3', vds: 'UPHMZ', weight: 3 },
  { make: 'DACIA', model: 'DUSTER', wmi: 'UU1', vds: 'HSDAG', weight: 4 },
  { make: 'KIA', model: 'CEED', wmi: 'U5Y', vds: 'H5141', weight: 4 },
  { make: 'BMW', model: '320D', wmi: 'WBA', vds: '8E110', weight: 2 },
] as const;

export const FUELS = ['BA', 'NM', 'EL', 'HYB', 'LPG'] as const;
export const COLOURS = ['BÍLÁ', 'ČERNÁ', 'ŠEDÁ', 'STŘÍBRNÁ', 'MODRÁ', 'ČERVENÁ', 'ZELENÁ'] as const;

export const COURTS = [
  'Obvodní soud pro Prahu 1',
  'Městský soud v Brně',
  'Okresní soud v Ostravě',
  'Okresní soud Plzeň-město',
  'Okresní soud v Liberci',
  'Okresní soud v Olomouci',
  'Okresní soud v Českých Budějovicích',
] as const;

export const OFFENCES = [
  { section: '§ 205 odst. 1 trestního zákoníku', name: 'krádež' },
  { section: '§ 209 odst. 1 trestního zákoníku', name: 'podvod' },
  { section: '§ 274 odst. 1 trestního zákoníku', name: 'ohrožení pod vlivem návykové látky' },
  { section: '§ 337 odst. 1 trestního zákoníku', name: 'maření výkonu úředního rozhodnutí a vykázání' },
  { section: '§ 228 odst. 1 trestního zákoníku', name: 'poškození cizí věci' },
] as const;

export const SENTENCES = [
  'podmíněný trest odnětí svobody 6 měsíců se zkušební dobou 18 měsíců',
  'peněžitý trest 20 000 Kč',
  'trest obecně prospěšných prací 200 hodin',
  'zákaz činnosti spočívající v řízení motorových vozidel na 12 měsíců',
  'podmíněný trest odnětí svobody 1 rok se zkušební dobou 2 roky',
] as const;

export const CITIZENSHIPS = ['CZ', 'SK', 'UA', 'VN', 'DE', 'PL'] as const;

/** The alphabet of data-box ids: lowercase letters and digits without the look-alikes l, o, 0 and 1. */
export const DATA_BOX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
