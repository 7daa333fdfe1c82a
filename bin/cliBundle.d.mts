/** See cliBundle.mjs: the bundle's entry URL while it matches its sources, else null. */
export function currentBundle(outDir: URL, root: URL): URL | null;
