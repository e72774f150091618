// The library entry point: everything the CLI does is importable by other programs.
export * from './errors.js';
export * from './model/index.js';
