// `npm run sbom [-- FILE]`: the CycloneDX software bill of materials of what opsdesk ships — its production
// dependencies as package-lock.json pins them (`npm sbom --omit dev --package-lock-only`, so it needs no
// node_modules and names exactly what `npm ci --omit=dev` installs). Written to FILE (default
// dist/opsdesk-<version>.cdx.json) and published with each release (docs/release.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CycloneDx {
  bomFormat: string;
  specVersion: string;
  metadata: { component: { name: string; version: string; type: string } };
  components: Array<{ name: string; version: string; purl?: string }>;
}

/** The SBOM as npm makes it, with the root component named as package.json names it (npm takes the folder's name). */
export function makeSbom(dir = root): CycloneDx {
  const out = execFileSync(
    'npm',
    [
      'sbom',
      '--sbom-format',
      'cyclonedx',
      '--sbom-type',
      'application',
      '--omit',
      'dev',
      '--package-lock-only',
    ],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1_048_576, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const sbom = JSON.parse(out) as CycloneDx;
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  sbom.metadata.component.name = pkg.name;
  sbom.metadata.component.version = pkg.version;
  return sbom;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const file = path.resolve(process.argv[2] ?? path.join(root, 'dist', `opsdesk-${pkg.version}.cdx.json`));
  const sbom = makeSbom();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(sbom, null, 2)}\n`);
  process.stderr.write(
    `sbom: ${sbom.components.length} components (CycloneDX ${sbom.specVersion}) written to ${path.relative(process.cwd(), file)}\n`,
  );
}
