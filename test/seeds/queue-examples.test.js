// The guides' queue examples, run unmodified: the Marathon sign-up (a Hono producer worker and a
// WorkerEntrypoint consumer acknowledging message by message) and the ingest consumer with a
// cron-driven producer. Producer and consumer are separate `outpost dev` processes sharing one
// state directory, as two deployed workers share a queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startDev } from '../helpers/dev-process.js';
import { project } from '../helpers/project.js';

// The sign-up route as the guide writes it; `insertData` (the guide's database write, elided
// there) is stubbed in the project around it.
const SIGN_UP = `import { Hono } from 'hono';

type Bindings = { REGISTRATION_QUEUE: Queue; DATABASE_URL: string };
const app = new Hono<{ Bindings: Bindings }>();

async function insertData(firstName: string, lastName: string, email: string, address: string, distance: string, url: string) {
  console.log(\`stored \${email} in \${url}\`);
}

app.post("/api/marathon-producer-queue", async (c) => {
const { firstName, lastName, email, address, distance } = await c.req.json();
const messagePayload = {
firstName: firstName,
email: email
};
const messageBody = JSON.stringify(messagePayload);
//produce a message for the Queue
console.log("Sending message to queue");
await c.env.REGISTRATION_QUEUE.send(messageBody);
await insertData(
firstName,
lastName,
email,
address,
distance,
c.env.DATABASE_URL
);
return c.text("Thanks for registering for our Marathon", 200);
});

export default app;
`;

// The email worker: the guide's consumer with individual acknowledgements.
const EMAIL_WORKER = `import { WorkerEntrypoint } from 'cloudflare:workers';

export default class EmailWorker extends WorkerEntrypoint {
  async send(email: string, firstName: string) {
    console.log(\`emailed \${firstName} at \${email}\`);
  }

async queue(batch: MessageBatch): Promise<void> {
for (const message of batch.messages) {
console.log("Received", message.body);
const { email, firstName } = JSON.parse(message.body as string);
await this.send(email, firstName);
await message.ack();
}
}
}
`;

test('the Marathon sign-up: a Hono producer and a consumer acking each message, in two processes', async () => {
  const state = project({ '.keep': '' }, 'seed-queue-');
  const producerDir = project({
    'src/index.ts': SIGN_UP,
    'wrangler.toml': 'name = "sign-up"\nmain = "src/index.ts"\n\n[vars]\nDATABASE_URL = "postgres://db"\n\n[[queues.producers]]\nqueue = "registration-queue"\nbinding = "REGISTRATION_QUEUE"\n',
  }, 'seed-queue-');
  const consumerDir = project({
    'src/index.ts': EMAIL_WORKER,
    'wrangler.toml': 'name = "email"\nmain = "src/index.ts"\n\n[[queues.consumers]]\nqueue = "registration-queue"\nmax_batch_size = 10 # optional: defaults to 10\nmax_batch_timeout = 60 # optional: defaults to 5 seconds\n',
  }, 'seed-queue-');
  const producer = startDev(['--persist-to', state], producerDir);
  const consumer = startDev(['--persist-to', state], consumerDir);
  try {
    const [, url] = await producer.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    await consumer.waitFor(/Ready on/);
    // Ten sign-ups fill a batch, which goes out at once rather than after 60 seconds.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${url}/api/marathon-producer-queue`, {
        method: 'POST',
        body: JSON.stringify({ firstName: `Runner${i}`, lastName: 'L', email: `runner${i}@example.com`, address: 'A', distance: '42k' }),
      });
      assert.equal(await res.text(), 'Thanks for registering for our Marathon');
    }
    await producer.waitFor(/stored runner9@example\.com in postgres:\/\/db/);
    await consumer.waitFor(/QUEUE registration-queue 10\/10 acked/, 10_000);
    for (let i = 0; i < 10; i++) assert.match(consumer.output, new RegExp(`emailed Runner${i} at runner${i}@example\\.com`));
    assert.match(consumer.output, /Received \{"firstName":"Runner0","email":"runner0@example\.com"\}/);
  } finally {
    producer.child.kill('SIGKILL');
    consumer.child.kill('SIGKILL');
  }
});

// The ingest consumer: validates each job, dispatches on its type and acks it; the scheduled
// handler enqueues jobs by cron expression.
const INGEST = `type Bindings = { INGEST_QUEUE: Queue };

const IngestJobSchema = { parse(body: any) { if (!body || typeof body.job_type !== 'string') throw new Error('invalid job'); return body; } };

async function handleBulkSyncStart(job: any, env: Bindings) { console.log('bulk sync ' + job.shop); }
async function handleAssetIngest(job: any, env: Bindings) { console.log('asset ' + job.asset); }

export default {
async queue(batch: MessageBatch, env: Bindings) {
for (const msg of batch.messages) {
const job = IngestJobSchema.parse(msg.body);
switch (job.job_type) {
case 'SHOPIFY_BULK_SYNC_START': await handleBulkSyncStart(job, env); break;
case 'ASSET_INGEST': await handleAssetIngest(job, env); break;
// ...
}
msg.ack();
}
},
async scheduled(event: ScheduledEvent, env: Bindings) {
switch (event.cron) {
case '0 6 * * *': // daily 6am UTC
await env.INGEST_QUEUE.send({ job_type: 'SHOPIFY_BULK_SYNC_START', shop: 'demo' });
break;
case '0 * * * *': // hourly
await env.INGEST_QUEUE.send({ job_type: 'ASSET_INGEST', asset: 'hourly' });
break;
}
}
};
`;

test('the ingest consumer acks valid jobs; a poison job is retried and then dead-lettered; crons enqueue jobs', async () => {
  const dir = project({
    'src/index.ts': INGEST,
    'wrangler.toml': `name = "ingest"\nmain = "src/index.ts"\n\n[triggers]\ncrons = ["0 6 * * *", "0 * * * *"]\n\n[[queues.producers]]\nqueue = "ingest-queue"\nbinding = "INGEST_QUEUE"\n\n[[queues.consumers]]\nqueue = "ingest-queue"\nmax_batch_size = 10\nmax_batch_timeout = 1\nmax_retries = 1\ndead_letter_queue = "ingest-dlq"\n`,
  }, 'seed-queue-');
  const dev = startDev([], dir);
  try {
    const [, url] = await dev.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    assert.equal((await fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('0 6 * * *')}`)).status, 200);
    assert.equal((await fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('0 * * * *')}`)).status, 200);
    await dev.waitFor(/bulk sync demo/);
    await dev.waitFor(/asset hourly/);
  } finally {
    dev.child.kill('SIGKILL');
  }
  // A poison job: the scheduled handler cannot send one, so it is put straight into the store.
  const { openQueueStore } = await import('../../src/storage/queue-store.js');
  openQueueStore(path.join(dir, '.outpost', 'state')).send('ingest-queue', [{ body: Buffer.from('{"nope":1}'), contentType: 'json', delaySeconds: 0 }]);
  const again = startDev([], dir);
  try {
    await again.waitFor(/invalid job/, 10_000);
    await again.waitFor(/failed 2 times and was moved to the dead-letter queue ingest-dlq/, 10_000);
    assert.equal(openQueueStore(path.join(dir, '.outpost', 'state')).queue('ingest-dlq').ready, 1);
  } finally {
    again.child.kill('SIGKILL');
  }
});
