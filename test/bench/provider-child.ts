/** The benchmark's provider in its own process: the test provider, always answering the person. */
import { startTestProvider } from '../provider.ts';

const provider = await startTestProvider();
process.send?.({ url: provider.url });
// The benchmark sends many calls; keep no history of them.
setInterval(() => provider.received.splice(0), 1000).unref();
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await provider.close();
  process.exit(0);
});
