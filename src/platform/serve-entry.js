// The program each serving process of `outpost serve` runs (see server.js and serve-process.js).
import { runServeProcess } from './serve-process.js';

await runServeProcess();
