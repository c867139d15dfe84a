// Starts the inference thread's TypeScript entry: worker threads resolve their entry file before
// any loader of the parent applies, so tsx is registered here first.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
