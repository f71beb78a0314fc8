// Loads the TypeScript check worker through tsx, for a bus run from its sources (npm start, tests).
import { register } from 'tsx/esm/api';

register();
const worker = await import('./check-worker.ts');
export default worker.default;
