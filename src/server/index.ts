export * from './studioServer';
export * from './tokenAuth';
