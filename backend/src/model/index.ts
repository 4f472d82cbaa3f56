// The shared vocabulary and the helpers every layer above uses: import from here.
export * from './clock.js';
export * from './errors.js';
export * from './log-entry.js';
export * from './log-query.js';
export * from './merge.js';
export * from './order.js';
export * from './severity.js';
export * from './slices.js';
export * from './time.js';
