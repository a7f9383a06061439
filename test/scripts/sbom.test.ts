// The SBOM a release publishes (scripts/sbom.ts, docs/release.md): `npm sbom` over the lock file makes CycloneDX JSON
// that names opsdesk at its version, every production dependency of package.json at the version the lock pins,
// and no package that only development needs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSbom } from '../../scripts/sbom.js';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean }>;
};

describe('npm run sbom', () => {
  it('is CycloneDX naming opsdesk, its production dependencies at their locked versions, and no development-only package', () => {
    const sbom = makeSbom(root);
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.specVersion).toMatch(/^1\.\d+$/);
    expect(sbom.metadata.component).toMatchObject({
      name: 'opsdesk',
      version: pkg.version,
      type: 'application',
    });
    const components = new Set(sbom.components.map((c) => `${c.name}@${c.version}`));
    for (const name of Object.keys(pkg.dependencies)) {
      const locked = lock.packages[`node_modules/${name}`]?.version;
      expect(locked, name).toBeDefined();
      expect(components.has(`${name}@${locked}`), `${name}@${locked}`).toBe(true);
    }
    const devOnly = Object.keys(pkg.devDependencies).filter(
      (n) => lock.packages[`node_modules/${n}`]?.dev === true,
    );
    expect(devOnly).toContain('vitest');
    const names = new Set(sbom.components.map((c) => c.name));
    for (const name of devOnly) expect(names.has(name), name).toBe(false);
    expect(sbom.components.every((c) => c.purl?.startsWith('pkg:npm/'))).toBe(true);
  });
});
