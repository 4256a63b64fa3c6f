// Why an event failed, in the words Workers users know. `status` is what the client receives.
export class WorkerError extends Error {
  constructor(kind, message, { status = 500, stack = '', passThrough = false } = {}) {
    super(message);
    this.name = 'WorkerError';
    this.kind = kind; // 'exception' | 'cpu' | 'memory' | 'startup' | 'internal'
    this.status = status;
    this.workerStack = stack;
    this.passThrough = passThrough;
  }
}

export const cpuExceeded = () => new WorkerError('cpu', 'Worker exceeded CPU time limit.', { status: 503 });
export const memoryExceeded = () => new WorkerError('memory', 'Worker exceeded memory limit.', { status: 503 });
export const workerRestarted = () => new WorkerError('internal', 'The Worker was restarted while handling this request.', { status: 503 });
