// The shared vocabulary: import model types from here.
export * from './clock.js';
export * from './log-entry.js';
export * from './log-query.js';
export * from './severity.js';
export * from './time.js';
