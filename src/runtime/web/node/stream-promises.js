// node:stream/promises: pipeline and finished returning promises (stream.promises).
const { promises } = require('./stream.js');

export const pipeline = promises.pipeline;
export const finished = promises.finished;
export default promises;
