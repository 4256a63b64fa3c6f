// The storage bindings a worker is given (KV namespaces, D1 databases, R2 buckets, queue
// producers), from its config. The isolate only ever learns each binding's name and type; which
// namespace, database, bucket or queue a name stands for stays on the host, so a worker can reach
// nothing it was not bound to.

// { NAME: { type: 'kv', namespaceId } | { type: 'd1', databaseId, databaseName, migrationsDir }
//   | { type: 'r2', bucketName } | { type: 'queue', queueName, deliveryDelay }
//   | { type: 'service', service, entrypoint } | { type: 'durable-object', className, scriptName } }
// from a loaded config.
export function bindingsFromConfig(config) {
  const bindings = {};
  for (const kv of config.kvNamespaces ?? []) bindings[kv.binding] = { type: 'kv', namespaceId: kv.id };
  for (const db of config.d1Databases ?? []) {
    bindings[db.binding] = { type: 'd1', databaseId: db.database_id, databaseName: db.database_name ?? db.binding, migrationsDir: db.migrations_dir };
  }
  for (const bucket of config.r2Buckets ?? []) bindings[bucket.binding] = { type: 'r2', bucketName: bucket.bucket_name };
  for (const service of config.services ?? []) {
    bindings[service.binding] = { type: 'service', service: service.service, entrypoint: service.entrypoint ?? null };
  }
  for (const object of config.durableObjects ?? []) {
    bindings[object.name] = { type: 'durable-object', className: object.class_name, scriptName: object.script_name ?? null };
  }
  for (const producer of config.queues?.producers ?? []) {
    bindings[producer.binding] = { type: 'queue', queueName: producer.queue, deliveryDelay: producer.delivery_delay ?? null };
  }
  return bindings;
}

// What the isolate is told: { NAME: type }.
export function bindingTypes(bindings) {
  return Object.fromEntries(Object.entries(bindings).map(([name, binding]) => [name, binding.type]));
}
