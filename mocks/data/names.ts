/**
 * Czech given names and surnames for synthetic persons. Surnames come in pairs (male, female), since
 * the female form is not always the male form plus -ová: Němec → Němcová, Hájek → Hájková,
 * Černý → Černá.
 */

export const MALE_GIVEN_NAMES = [
  'Jan', 'Jiří', 'Petr', 'Josef', 'Pavel', 'Martin', 'Tomáš', 'Jaroslav', 'Miroslav', 'Zdeněk',
  'Václav', 'Michal', 'František', 'Jakub', 'Milan', 'Karel', 'Lukáš', 'David', 'Vladimír', 'Ondřej',
  'Ladislav', 'Roman', 'Stanislav', 'Marek', 'Daniel', 'Radek', 'Antonín', 'Vojtěch', 'Filip', 'Adam',
  'Matěj', 'Jaromír', 'Aleš', 'Libor', 'Dominik', 'Šimon', 'Vít', 'Bohumil', 'Oldřich', 'Štěpán',
] as const;

export const FEMALE_GIVEN_NAMES = [
  'Marie', 'Jana', 'Eva', 'Hana', 'Anna', 'Lenka', 'Kateřina', 'Lucie', 'Věra', 'Alena',
  'Petra', 'Veronika', 'Jaroslava', 'Martina', 'Tereza', 'Michaela', 'Zdeňka', 'Ludmila', 'Helena', 'Jitka',
  'Markéta', 'Barbora', 'Ivana', 'Monika', 'Eliška', 'Kristýna', 'Zuzana', 'Klára', 'Adéla', 'Natálie',
  'Božena', 'Dagmar', 'Vlasta', 'Šárka', 'Radka', 'Simona', 'Denisa', 'Karolína', 'Olga', 'Irena',
] as const;

/** [male, female] surname forms. */
export const SURNAMES: readonly (readonly [string, string])[] = [
  ['Novák', 'Nováková'], ['Svoboda', 'Svobodová'], ['Novotný', 'Novotná'], ['Dvořák', 'Dvořáková'],
  ['Černý', 'Černá'], ['Procházka', 'Procházková'], ['Kučera', 'Kučerová'], ['Veselý', 'Veselá'],
  ['Horák', 'Horáková'], ['Němec', 'Němcová'], ['Marek', 'Marková'], ['Pospíšil', 'Pospíšilová'],
  ['Pokorný', 'Pokorná'], ['Hájek', 'Hájková'], ['Král', 'Králová'], ['Jelínek', 'Jelínková'],
  ['Růžička', 'Růžičková'], ['Beneš', 'Benešová'], ['Fiala', 'Fialová'], ['Sedláček', 'Sedláčková'],
  ['Doležal', 'Doležalová'], ['Zeman', 'Zemanová'], ['Kolář', 'Kolářová'], ['Navrátil', 'Navrátilová'],
  ['Čermák', 'Čermáková'], ['Vaněk', 'Vaňková'], ['Urban', 'Urbanová'], ['Blažek', 'Blažková'],
  ['Kříž', 'Křížová'], ['Kovář', 'Kovářová'], ['Kratochvíl', 'Kratochvílová'], ['Bartoš', 'Bartošová'],
  ['Vlček', 'Vlčková'], ['Polák', 'Poláková'], ['Musil', 'Musilová'], ['Kopecký', 'Kopecká'],
  ['Šimek', 'Šimková'], ['Konečný', 'Konečná'], ['Malý', 'Malá'], ['Holub', 'Holubová'],
  ['Čech', 'Čechová'], ['Štěpánek', 'Štěpánková'], ['Staněk', 'Staňková'], ['Kadlec', 'Kadlecová'],
  ['Dostál', 'Dostálová'], ['Soukup', 'Soukupová'], ['Šťastný', 'Šťastná'], ['Mareš', 'Marešová'],
  ['Moravec', 'Moravcová'], ['Sýkora', 'Sýkorová'], ['Tichý', 'Tichá'], ['Valenta', 'Valentová'],
  ['Vávra', 'Vávrová'], ['Matoušek', 'Matoušková'], ['Bláha', 'Bláhová'], ['Říha', 'Říhová'],
  ['Ševčík', 'Ševčíková'], ['Bureš', 'Burešová'], ['Hruška', 'Hrušková'], ['Mašek', 'Mašková'],
] as const;
