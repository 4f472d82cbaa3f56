// Parameters of every endpoint, validated at the HTTP edge.
export * from './validate.js';
export * from './log-query.js';
export * from './insight.js';
export * from './explore.js';
export * from './correlate.js';
