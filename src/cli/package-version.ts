// The version of opsdesk that runs, from our package.json: `opsdesk --version` and the backup manifest print it.
import fs from 'node:fs';

export function packageVersion(): string {
  // src/cli (tsx) and dist/src/cli (built) sit at different depths: walk up to our package.json.
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 5; i++) {
    const file = new URL('package.json', dir);
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'opsdesk' && pkg.version) return pkg.version;
    }
    dir = new URL('..', dir);
  }
  return 'unknown';
}
