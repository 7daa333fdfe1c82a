#!/usr/bin/env node
// Placeholder: replaced by the Electron launcher with browser-shell fallback.
console.log('U-Net Studio: the app shell is not built yet.');
