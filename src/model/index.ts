export * from './types.js';
export * from './keys.js';
export * from './secret.js';
export * from './target.js';
