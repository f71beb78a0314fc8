/**
 * The criminal-record mock: a slow authoritative source, offered asynchronously only. Making an
 * extract takes `delayMs` (default 3 s) of the source's own time, on top of any injected latency.
 */
import { randomUUID } from 'node:crypto';
import type { Population } from '../data/population.ts';
import type { JsonAnswer, JsonHandler } from '../json-mock.ts';
import { sleep } from '../mock-http.ts';
import { requireAgenda, wants } from '../mock-context.ts';
import { OK, VysledekKod, odpovedInfoJson } from '../zr-answer.ts';

export const DEFAULT_EXTRACT_DELAY_MS = 3000;

export function rejstrikTrestuHandlers(population: Population, delayMs = DEFAULT_EXTRACT_DELAY_MS): Readonly<Record<string, JsonHandler>> {
  return {
    async vypis(request, context): Promise<JsonAnswer> {
      const agenda = requireAgenda(context);
      const { aifo } = request as { aifo: string };
      await sleep(delayMs);
      const person = population.org.personOf(agenda, aifo);
      if (person === undefined) {
        return {
          body: {
            odpovedInfo: odpovedInfoJson(
              { kod: VysledekKod.CHYBA, subKod: 'AIFO NEEXISTUJE', popis: `AIFO ${aifo} není v agendě ${agenda} známo` },
              context,
            ),
          },
        };
      }
      const p = population.person(person);
      const entries = population.criminalRecord(person);
      const vypis: Record<string, unknown> = { cisloVypisu: `RT-${randomUUID()}`, vyhotoveno: new Date().toISOString() };
      if (wants(context, 'Osoba'))
        vypis.osoba = { jmeno: p.givenName, prijmeni: p.surname, datumNarozeni: p.birthDate, rodneCislo: p.birthNumber };
      if (wants(context, 'Zaznamy')) {
        vypis.bezZaznamu = entries.length === 0;
        vypis.zaznamy = entries.map((e) => ({
          datumRozhodnuti: e.decided,
          soud: e.court,
          ustanoveni: e.section,
          trestnyCin: e.offence,
          trest: e.sentence,
        }));
      }
      return { body: { odpovedInfo: odpovedInfoJson(OK, context), vypis } };
    },
  };
}
