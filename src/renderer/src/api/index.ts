export * from './getApi';
