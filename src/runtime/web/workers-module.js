// The `cloudflare:workers` module: base classes user code extends, and the worker's env.

export class WorkerEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class WorkflowEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

// Marks a class whose instances cross RPC boundaries as stubs instead of being cloned.
export class RpcTarget {}

export function createWorkersModule(env, waitUntil) {
  return { WorkerEntrypoint, DurableObject, WorkflowEntrypoint, RpcTarget, env, waitUntil };
}
