// The storage a deployed worker's bindings name, made on the server when it does not exist yet:
// KV namespaces, D1 databases, R2 buckets and queues (those it produces to and consumes, and
// their dead-letter queues).
import { existsSync } from 'node:fs';
import { openKvStore } from '../storage/kv-store.js';
import { databaseFile, openD1Database } from '../storage/d1-store.js';
import { bucketExists, openR2Bucket } from '../storage/r2-store.js';
import { openQueueStore } from '../storage/queue-store.js';

// Returns what was created, as [{ type, name }].
export function ensureResources(stateDir, workerName, config) {
  const created = [];
  const kv = config.kvNamespaces.length > 0 ? openKvStore(stateDir) : null;
  for (const namespace of config.kvNamespaces) {
    if (kv.namespaceById(namespace.id)) continue;
    kv.createNamespace(namespace.id, `${workerName}-${namespace.binding}`);
    created.push({ type: 'kv_namespace', name: namespace.id });
  }
  for (const database of config.d1Databases) {
    if (existsSync(databaseFile(stateDir, database.database_id))) continue;
    openD1Database(stateDir, database.database_id);
    created.push({ type: 'd1_database', name: database.database_name ?? database.database_id });
  }
  for (const bucket of config.r2Buckets) {
    if (bucketExists(stateDir, bucket.bucket_name)) continue;
    openR2Bucket(stateDir, bucket.bucket_name);
    created.push({ type: 'r2_bucket', name: bucket.bucket_name });
  }
  const queueNames = new Set([
    ...config.queues.producers.map((producer) => producer.queue),
    ...config.queues.consumers.flatMap((consumer) => [consumer.queue, consumer.dead_letter_queue].filter(Boolean)),
  ]);
  if (queueNames.size > 0) {
    const queues = openQueueStore(stateDir);
    for (const name of queueNames) if (queues.createQueue(name)) created.push({ type: 'queue', name });
  }
  return created;
}
