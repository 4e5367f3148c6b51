/**
 * What a worker on Node has, whether a thread or a child process: crashes seen through
 * `process` events, and task modules imported with tsx registered first when they are
 * TypeScript. Each entry adds only its channel to the host.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerEnv } from './runtime.cjs';
import { setModuleImporter } from './task-loader.cjs';

let tsxRegistered: Promise<void> | undefined;

/** The runtime's environment on Node, around the entry's `listen`. */
export function nodeWorkerEnv(listen: WorkerEnv['listen']): WorkerEnv {
  installImporter();
  return {
    listen,
    onCrash(die, exiting) {
      process.on('uncaughtException', die);
      process.on('unhandledRejection', die);
      process.on('exit', exiting);
    },
    exit: (code) => process.exit(code),
    defer: setImmediate,
  };
}

function installImporter(): void {
  setModuleImporter({
    async load(url) {
      if (/\.(c|m)?tsx?$/.test(url)) await registerTsx(url);
      return (await import(url)) as Record<string, unknown>;
    },
    describe: (url) => (url.startsWith('file:') ? fileURLToPath(url) : url),
  });
}

/** TypeScript task modules: tsx's loader, resolved from the module's own location. */
function registerTsx(url: string): Promise<void> {
  tsxRegistered ??= (async () => {
    // From the module's own folder first, then from the working directory. The ESM entry
    // of tsx/esm/api is wanted (its CommonJS twin registers a path that does not exist),
    // and require.resolve only knows the "require" condition: read tsx's exports map.
    const api = [url, pathToFileURL(`${process.cwd()}/`).href]
      .map((from) => {
        try {
          const manifest = createRequire(from).resolve('tsx/package.json');
          const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
            exports: Record<string, { import?: { default?: string } }>;
          };
          return join(dirname(manifest), pkg.exports['./esm/api']!.import!.default!);
        } catch {
          return undefined;
        }
      })
      .find((found) => found !== undefined);
    if (!api) {
      throw new TypeError(
        `task module ${fileURLToPath(url)} is TypeScript; install tsx (npm i -D tsx) and run the host with tsx, or point task() at compiled JavaScript`,
      );
    }
    const { register } = (await import(pathToFileURL(api).href)) as { register: () => unknown };
    register();
  })();
  return tsxRegistered;
}
