// The program of a storage command that the server runs for `--remote` (see storage.js): the
// command line of the job file named by its argument, on the job's state directory and config.
import { readFileSync } from 'node:fs';
import { main } from '../cli/main.js';
import { actOnServer } from '../cli/state.js';
import { configFromUpload } from '../config/load.js';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// Messages name the config file as the client knows it.
const config = job.config === null ? null : { ...configFromUpload(job.config, job.configPath), configPath: job.configPath };
actOnServer({ config, stateDir: job.stateDir, remote: true });
await main([job.command, ...job.args]);
