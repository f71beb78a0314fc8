/**
 * Mocks of the basic registers (ROB, ROS, RUIAN, RPP) and of two authoritative sources (a vehicle
 * register, also on NATS, and a slow criminal record offered asynchronously only), over one
 * deterministic synthetic population, with fault injection.
 *
 * @example
 * const mocks = await startMocks({ port: 0, rpp: await seedRppSource('mocks/seed.yaml') });
 * const aifo = mocks.population.org.aifoOf(0, 'A121');
 */
export { startMocks, MOCK_NAMES, VOZIDLA_SUBJECT, type MockName, type MocksOptions, type RunningMocks } from './server.ts';
export { seedRppSource, registryRppSource, type RppSource, type RppAgenda, type RppAuthorisation } from './rpp/rpp-source.ts';
export { createPopulation, type Population, type Person, type LegalPerson, type AddressPlace, type Vehicle } from './data/population.ts';
export { parseFaultConfig, FAULT_HEADER, type FaultConfig } from './faults.ts';
export { BUNDLE_ORIGIN, rebaseEndpoint, type MockBundle } from './mock-bundle.ts';
export { readMocksConfig, type MocksConfig } from './mocks-config.ts';
export { ISZR_SERVICES, type IszrService, type UsageSource, type SubjectRead } from './iszr/index.ts';
