export * from './api';
export * from './apiCodec';
export * from './apiHttpClient';
export * from './apiSchemas';
export * from './errors';
export * from './jobs';
export * from './schemas';
