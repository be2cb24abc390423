export * from './namespaces.js';
export * from './types.js';
