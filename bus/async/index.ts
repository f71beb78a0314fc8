/**
 * The asynchronous mode: the JetStream work queue and its messages, tickets and results in the
 * database, the per-service dispatcher that delivers queued calls, callbacks to the reader, and status.
 */
export { type CallbackPusher, startCallbacks } from './callbacks.ts';
export { type Dispatcher, startDispatcher } from './dispatcher.ts';
export { createQueueMessages, type QueueMessages } from './message.ts';
export { acceptCall, type AcceptOptions } from './acceptance.ts';
export { type AsyncQueue, createAsyncQueue } from './queue.ts';
export { type AsyncStatus, publishAsyncGauges, readAsyncStatus } from './status.ts';
export { queueAgain, startSweeper, type SweeperOptions } from './sweeper.ts';
