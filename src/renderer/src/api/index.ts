export * from './getApi';
export * from './httpApi';
