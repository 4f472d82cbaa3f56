// Parameters of every endpoint, validated at the HTTP edge.
export * from './validate.js';
export * from './log-query.js';
export * from './insight.js';
export * from './explore.js';
export * from './labels.js';
export * from './correlate.js';
export * from './tail.js';
