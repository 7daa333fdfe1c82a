// Public surface of the engine: shells (main, server, cli) import from here only.
export * from '../shared/errors';
