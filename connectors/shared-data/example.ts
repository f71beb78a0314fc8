/**
 * Reading shared data from your AIS: a person from ROB, a company from ROS and an address from RUIAN
 * over their ISZR services, through the bus, as a trade licensing office (agenda A1186, role CR3001)
 * of Prague. Runs against `npm start`: `npx tsx connectors/shared-data/example.ts`.
 */
import { basicRegisters, createSharedDataClient, RefusedError } from './index.ts';

const client = createSharedDataClient({
  busUrl: 'http://127.0.0.1:8080',
  credentials: { apiKey: 'egsb_demo_reader_key_00000002' },
  ovm: '00064581',
  agenda: 'A1186',
  role: 'CR3001',
});
const registers = basicRegisters(client);
// Who asks and why: required on every call.
const call = { auditUserId: 'referent.novak', purpose: 'živnostenské oprávnění č. j. ZU/123/2026' };

const person = await registers.personByAifo('I9d7lm3eVyZRZVAkDkHJQAk=', call);
console.log('person:', person.record?.Jmeno, person.record?.Prijmeni, person.record?.DatumNarozeni, '| items:', person.dataItems.join(' '));

const company = await registers.legalPersonByIco('64967611', call);
console.log('company:', company.record?.ObchodniNazev, '| seat at address place', company.record?.AdresaSidla);

const address = await registers.addressByCode(23213318, call);
console.log('address:', address.record?.TextAdresy);

// The same read, asynchronously: a ticket, then the result.
const queued = await registers.personByAifo('I9d7lm3eVyZRZVAkDkHJQAk=', { ...call, mode: 'async', dataItems: ['Prijmeni'] });
console.log('async:', queued.ticket !== undefined, queued.record?.Prijmeni);

// A refusal is a typed error with the bus's code and request id.
try {
  await registers.personByAifo('I9d7lm3eVyZRZVAkDkHJQAk=', { ...call, dataItems: ['Obcanstvi'] });
} catch (error) {
  if (!(error instanceof RefusedError)) throw error;
  console.log('refused:', error.code);
}
await client.close();
