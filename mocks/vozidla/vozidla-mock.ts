/**
 * The road-vehicle register mock (an authoritative source outside the basic registers): a vehicle by
 * VIN or plate, and the vehicles a keeper holds, the keeper named by the caller's agenda AIFO or by
 * IČO. Served over HTTP and over NATS request/reply with the same handlers.
 */
import { isValidIco } from '../data/ico.ts';
import type { Population } from '../data/population.ts';
import type { JsonAnswer, JsonHandler } from '../json-mock.ts';
import { requireAgenda, wants, type MockContext } from '../mock-context.ts';
import { OK, VysledekKod, odpovedInfoJson, type Status } from '../zr-answer.ts';

/** Keepers with more vehicles than this are answered with the first ones and a warning. */
const MAX_LISTED = 1000;

export function vozidlaHandlers(population: Population): Readonly<Record<string, JsonHandler>> {
  const answer = (status: Status, context: MockContext, rest: Record<string, unknown> = {}): JsonAnswer => ({
    body: { odpovedInfo: odpovedInfoJson(status, context), ...rest },
  });

  const vozidlo = (index: number, context: MockContext): Record<string, unknown> => {
    const v = population.vehicle(index);
    const out: Record<string, unknown> = { vin: v.vin, rz: v.plate };
    if (wants(context, 'TovarniZnacka')) out.tovarniZnacka = v.make;
    if (wants(context, 'ObchodniOznaceni')) out.obchodniOznaceni = v.model;
    if (wants(context, 'RokVyroby')) out.rokVyroby = v.year;
    if (wants(context, 'DatumPrvniRegistrace')) out.datumPrvniRegistrace = v.firstRegistered;
    if (wants(context, 'Palivo')) out.palivo = v.fuel;
    if (wants(context, 'Barva')) out.barva = v.colour;
    if (wants(context, 'Provozovatel')) {
      if (v.keeper.kind === 'legal') {
        const lp = population.legalPerson(v.keeper.legal);
        out.provozovatel = { ico: lp.ico, nazev: lp.name };
      } else {
        out.provozovatel = context.agenda === undefined ? {} : { aifo: population.org.aifoOf(v.keeper.person, context.agenda) };
      }
    }
    return out;
  };

  return {
    ctiVozidlo(request, context) {
      const { vin, rz } = request as { vin?: string; rz?: string };
      const index = vin !== undefined ? population.vehicleByVin(vin) : population.vehicleByPlate(rz ?? '');
      if (index === undefined) {
        return answer(
          { kod: VysledekKod.CHYBA, subKod: 'VOZIDLO NEEXISTUJE', popis: `vozidlo ${vin ?? rz ?? ''} v registru není` },
          context,
        );
      }
      return answer(OK, context, { vozidlo: vozidlo(index, context) });
    },
    ctiVozidlaProvozovatele(request, context) {
      const { aifo, ico } = request as { aifo?: string; ico?: string };
      let list: readonly number[];
      if (aifo !== undefined) {
        const agenda = requireAgenda(context);
        const person = population.org.personOf(agenda, aifo);
        if (person === undefined)
          return answer(
            { kod: VysledekKod.CHYBA, subKod: 'AIFO NEEXISTUJE', popis: `AIFO ${aifo} není v agendě ${agenda} známo` },
            context,
          );
        list = population.vehiclesOf({ kind: 'person', person });
      } else {
        if (!isValidIco(ico ?? ''))
          return answer(
            { kod: VysledekKod.CHYBA, subKod: 'ICO NEPLATNE', popis: `IČO ${ico ?? ''} nemá platnou kontrolní číslici` },
            context,
          );
        const legal = population.legalByIco(ico ?? '');
        if (legal === undefined)
          return answer({ kod: VysledekKod.CHYBA, subKod: 'ICO NEEXISTUJE', popis: `osoba s IČO ${ico ?? ''} není vedena` }, context);
        list = population.vehiclesOf({ kind: 'legal', legal });
      }
      const status: Status =
        list.length > MAX_LISTED
          ? { kod: VysledekKod.VAROVANI, subKod: 'PREKROCEN SEZNAM', popis: `uvedeno prvních ${MAX_LISTED} z ${list.length}` }
          : OK;
      return answer(status, context, { vozidla: list.slice(0, MAX_LISTED).map((i) => vozidlo(i, context)) });
    },
  };
}
