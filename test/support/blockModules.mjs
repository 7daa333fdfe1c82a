// `node --import ./test/support/blockModules.mjs`: packages named in UNET_BLOCK_MODULES (a
// regular expression over import specifiers) fail to load, saying "blocked". Tests use it to
// prove a command never loads TensorFlow.js or ONNX Runtime, and which CLI path runs.
import { register } from 'node:module';

const hooks = `
const blocked = new RegExp(${JSON.stringify(process.env.UNET_BLOCK_MODULES ?? '(?!)')});
export async function resolve(specifier, context, next) {
  if (blocked.test(specifier)) throw new Error('blocked: ' + specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
