// The contract between the backend, the Grafana plugins and provisioning: import from here.
export * from './correlation.js';
export * from './correlation-api.js';
export * from './limits.js';
export * from './params.js';
export * from './patterns.js';
export * from './presentation.js';
export * from './query-model.js';
export * from './regex.js';
export * from './vocabulary.js';
export * from './wire.js';
