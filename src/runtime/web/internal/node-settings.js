// The worker's Node.js compatibility settings ({ nodejsCompat, nodejsAls, populateProcessEnv,
// env }), set when the isolate starts and read by node:process when it is first imported. Kept in
// the prelude so that starting a worker loads none of the node modules.
let settings = { env: {} };

export function setNodeSettings(value) {
  settings = value;
}

export function nodeSettings() {
  return settings;
}
