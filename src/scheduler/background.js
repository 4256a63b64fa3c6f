// A worker's background work, wherever it is served: its Cron Triggers, the batches of the queues
// it consumes (its config's consumers, and those added to the state with `outpost queues
// consumer add` for a script of its name) and the alarms of the Durable Objects it exports.
import { CronScheduler } from './cron-scheduler.js';
import { AlarmScheduler } from './alarm-scheduler.js';
import { QueueBroker, consumerSettings } from '../queues/broker.js';

// config: the worker's normalized config; worker(): the Worker to run events on, looked up at
// each event; log: { worker(level, message), scheduled(run), queue(batch), alarm(run) }.
// The cron expressions must have been checked (a CronError is thrown here otherwise).
export function startBackground({ config, stateDir, worker, log }) {
  const name = config.name ?? 'worker';
  const crons = new CronScheduler({ crons: config.triggers.crons, worker, onRun: log.scheduled }).start();
  const alarms = config.durableObjects.some((binding) => !binding.script_name) || config.migrations.length > 0
    ? new AlarmScheduler({ stateDir, workerName: name, worker, onRun: log.alarm }).start()
    : null;
  const broker = new QueueBroker({ stateDir, log: log.worker, onBatch: log.queue });
  const fromState = broker.store.consumers()
    .filter((consumer) => consumer.script === config.name && !config.queues.consumers.some((c) => c.queue === consumer.queue))
    .map((consumer) => ({ ...consumer.settings, queue: consumer.queue }));
  for (const entry of [...config.queues.consumers, ...fromState]) broker.addConsumer(consumerSettings(entry), worker);
  return {
    close() {
      crons.close();
      alarms?.close();
      broker.close();
    },
  };
}
