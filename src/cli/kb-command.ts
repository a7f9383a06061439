// `opsdesk kb import <path>` and `opsdesk kb export <file.zip>`: the knowledge base in and out from the host,
// through the same domain functions as the API (validated, versioned and audited the same way), acting as a
// manager or admin named by --as (the first active admin when none is named).
import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import {
  canKnowledge,
  exportKnowledge,
  importKnowledge,
  importKnowledgeFiles,
  type KbImportResult,
  kbImportLimits,
} from '../knowledge/index.js';
import { actingAccount, note, say, withContext } from './command-context.js';
import { CommandFailed, UsageError } from './exit-codes.js';

async function actingUser(ctx: ServiceContext, email: string | undefined): Promise<Actor> {
  const { user, actor } = await actingAccount(ctx, email, 'name a manager with --as <email>');
  if (!canKnowledge(actor, 'kb.transfer'))
    throw new UsageError(`${user.email} is a ${user.role}: only managers and admins import and export`);
  return actor;
}

/** A folder tree as paths (with "/") → bytes, bounded as a zip upload is; dot files and folders left out. */
function readTree(root: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let bytes = 0;
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, relative);
      else if (entry.isFile()) {
        bytes += fs.statSync(full).size;
        if (files.size >= kbImportLimits.entries || bytes > kbImportLimits.unpackedBytes)
          throw new CommandFailed(
            `${root} holds more than ${kbImportLimits.entries} files or ${kbImportLimits.unpackedBytes} bytes: import it in parts`,
          );
        files.set(relative, fs.readFileSync(full));
      }
    }
  };
  walk(root, '');
  return files;
}

function report(result: KbImportResult): void {
  for (const c of result.created) {
    say(`created article ${c.id}: ${c.title} (${c.path})`);
    for (const n of c.notes) note(`  note: ${n}`);
  }
  for (const s of result.skipped) note(`skipped ${s.path}: ${s.reason}`);
}

export async function kbImportCommand(target: string, options: { as?: string }): Promise<void> {
  const resolved = path.resolve(target);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new UsageError(`${resolved}: no such file or folder`);
  }
  await withContext(async ({ ctx }) => {
    const actor = await actingUser(ctx, options.as);
    const result = stat.isDirectory()
      ? await importKnowledgeFiles(ctx, actor, readTree(resolved))
      : await importKnowledge(ctx, actor, {
          filename: path.basename(resolved),
          data: fs.readFileSync(resolved),
        });
    report(result);
    say(`Imported ${result.created.length} article(s); skipped ${result.skipped.length} file(s).`);
    if (result.created.length === 0 && result.skipped.length > 0)
      throw new CommandFailed('nothing was imported (see the reasons above)');
  });
}

export async function kbExportCommand(
  file: string,
  options: { as?: string; force?: boolean },
): Promise<void> {
  const target = path.resolve(file);
  if (fs.existsSync(target) && !options.force)
    throw new UsageError(`${target} exists; choose another file or add --force to replace it`);
  await withContext(async ({ ctx }) => {
    const zip = await exportKnowledge(ctx, await actingUser(ctx, options.as));
    // Written beside the target and renamed, so a failed export never leaves half a zip under its name.
    const partial = `${target}.partial`;
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, target);
    say(`Exported the knowledge base to ${target} (${zip.length} bytes).`);
  });
}
