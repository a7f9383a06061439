// `npm run sbom [-- FILE]`: the CycloneDX software bill of materials of what opsdesk ships — its production
// dependencies as package-lock.json pins them (`npm sbom --package-lock-only`, so it needs no node_modules),
// cut to what `npm ci --omit=dev` installs (the lock's entries not flagged dev). Not `npm sbom --omit dev`: with the
// lock alone npm 11 drops some 70 production packages from it (i18next, yaml, pg-types, htmlparser2, …). Written to FILE (default dist/opsdesk-<version>.cdx.json)
// and published with each release (docs/release.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CycloneDx {
  bomFormat: string;
  specVersion: string;
  metadata: { component: { 'bom-ref': string; name: string; version: string; type: string } };
  components: Array<{ 'bom-ref': string; name: string; version: string; purl?: string }>;
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
}

/**
 * The name@version of every package `npm ci --omit=dev` installs: the lock's entries not flagged `dev` (a
 * `devOptional` one is installed too, unless optional dependencies are omitted as well).
 */
function installedWithoutDev(dir: string): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { name?: string; version?: string; dev?: boolean; link?: boolean }>;
  };
  const shipped = new Set<string>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.dev || entry.link || !entry.version) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    shipped.add(`${name}@${entry.version}`);
  }
  return shipped;
}

/** The SBOM as npm makes it, with the root component named as package.json names it (npm takes the folder's name). */
export function makeSbom(dir = root): CycloneDx {
  const out = execFileSync(
    'npm',
    ['sbom', '--sbom-format', 'cyclonedx', '--sbom-type', 'application', '--package-lock-only'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1_048_576, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const sbom = JSON.parse(out) as CycloneDx;
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const shipped = installedWithoutDev(dir);
  const rootRef = sbom.metadata.component['bom-ref'];
  sbom.components = sbom.components.filter((c) => shipped.has(`${c.name}@${c.version}`));
  const kept = new Set(sbom.components.map((c) => c['bom-ref']));
  sbom.dependencies = sbom.dependencies
    .filter((d) => d.ref === rootRef || kept.has(d.ref))
    .map((d) => ({ ...d, dependsOn: (d.dependsOn ?? []).filter((ref) => kept.has(ref)) }));
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
