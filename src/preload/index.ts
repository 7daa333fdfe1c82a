// Preload bridge (placeholder until the typed API lands).
export {};
