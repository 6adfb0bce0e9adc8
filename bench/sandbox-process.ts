import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { startHooprSandbox } from '../src/sandbox/hoopr/index';

/** Both sandboxes in a process of their own, so they do not share a CPU thread with what is measured. */
const hoopr = await startHooprSandbox({ port: 0, host: '127.0.0.1' });
const hoopai = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
console.log(`sandboxes ${JSON.stringify({ hoopr: hoopr.url, hoopai: hoopai.url })}`);
