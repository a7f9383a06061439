// The backup archive of a SQLite instance: one gzip'd tar holding the database copy, the attachments, the secret key
// when asked for, and last a manifest (versions, time, each member's size and SHA-256). Written whole under a
// temporary name and renamed into place; read back into a staging folder and verified member by member, so that
// nothing from a damaged or foreign file is ever put in place.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { x as extractTar, Header } from 'tar';
import { CommandFailed } from './exit-codes.js';

export const archiveFormat = 'opsdesk-backup' as const;
export const archiveFormatVersion = 1;
export const manifestMember = 'manifest.json';
export const databaseMember = 'opsdesk.db';
export const secretKeyMember = 'secret.key';
const attachmentMember = /^attachments\/([0-9a-f]{2})\/(\1[0-9a-f]{62})$/;

export interface ManifestMember {
  name: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: typeof archiveFormat;
  formatVersion: number;
  opsdeskVersion: string;
  /** The last migration the database copy had applied. */
  schemaVersion: string;
  dialect: 'sqlite';
  createdAt: string;
  /** Whether secret.key is a member; the fingerprint names the key the sealed secrets need (not the key). */
  secretKey: { included: boolean; fingerprint: string | null };
  members: ManifestMember[];
}

/** What goes into an archive: a file on disk under a member name. */
export interface ArchiveSource {
  name: string;
  file: string;
}

export function isMemberName(name: string): boolean {
  return (
    name === databaseMember ||
    name === secretKeyMember ||
    name === manifestMember ||
    attachmentMember.test(name)
  );
}

/** The attachment member names and files of a data folder (stored files only: not the upload scratch folder). */
export function attachmentSources(dataDir: string): ArchiveSource[] {
  const root = path.join(dataDir, 'attachments');
  const sources: ArchiveSource[] = [];
  if (!fs.existsSync(root)) return sources;
  for (const prefix of fs.readdirSync(root).sort()) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of fs.readdirSync(path.join(root, prefix)).sort()) {
      const member = `attachments/${prefix}/${name}`;
      if (attachmentMember.test(member)) sources.push({ name: member, file: path.join(root, prefix, name) });
    }
  }
  return sources;
}

/** The first 16 hex digits of the key's SHA-256: enough to tell two keys apart, nothing about the key. */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

const block = 512;

/**
 * Writes the archive at `target` (replacing it: the caller has decided whether it may), members in the order given and
 * the manifest last, each member hashed as it is written (one read of every file). The archive exists under its name
 * only once complete and flushed to disk.
 */
export async function writeArchive(
  target: string,
  sources: ArchiveSource[],
  describe: (members: ManifestMember[]) => Omit<Manifest, 'members'>,
): Promise<Manifest> {
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const gzip = zlib.createGzip();
  const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  const written = pipeline(gzip, out);
  // A failed write (disk full) rejects `written`; whoever waits for the stream to drain hears of it too.
  const failed = written.then(() => {
    throw new Error('the archive stream ended early');
  });
  failed.catch(() => undefined);
  const write = async (chunk: Buffer): Promise<void> => {
    if (!gzip.write(chunk)) await Promise.race([once(gzip, 'drain'), failed]);
  };
  const mtime = new Date();
  const header = async (name: string, size: number) => {
    const h = new Header({ path: name, mode: 0o600, uid: 0, gid: 0, size, mtime, type: 'File' });
    const buf = Buffer.alloc(block);
    h.encode(buf, 0);
    await write(buf);
  };
  const pad = (size: number) => write(Buffer.alloc((block - (size % block)) % block));
  const members: ManifestMember[] = [];
  try {
    for (const source of sources) {
      const handle = await fs.promises.open(source.file, 'r');
      try {
        const { size } = await handle.stat();
        await header(source.name, size);
        const hash = createHash('sha256');
        let copied = 0;
        for await (const chunk of handle.createReadStream({
          autoClose: false,
          start: 0,
        }) as AsyncIterable<Buffer>) {
          // Stored files are written once and never changed: more or fewer bytes than the header said is a fault.
          if (copied + chunk.length > size) break;
          hash.update(chunk);
          copied += chunk.length;
          await write(chunk);
        }
        if (copied !== size)
          throw new CommandFailed(`${source.file} changed size while it was copied; run the backup again`);
        await pad(size);
        members.push({ name: source.name, size, sha256: hash.digest('hex') });
      } finally {
        await handle.close();
      }
    }
    const manifest: Manifest = { ...describe(members), members };
    const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await header(manifestMember, text.length);
    await write(text);
    await pad(text.length);
    // Two zero blocks end a tar archive.
    await write(Buffer.alloc(2 * block));
    gzip.end();
    await written;
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    syncFolder(path.dirname(target));
    return manifest;
  } catch (err) {
    gzip.destroy();
    out.destroy();
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Makes a rename in `dir` durable (a no-op where folders cannot be opened for fsync). */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a folder; the rename is then as durable as they make it.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

const notOurs = (file: string, why: string) =>
  new CommandFailed(`${file} is not an opsdesk backup (${why}); nothing was restored`);
const damaged = (file: string, why: string) =>
  new CommandFailed(`${file} is damaged: ${why}; nothing was restored`);

/**
 * Unpacks the archive into `folder` (empty, made by the caller) and checks it: the tar itself (checksums, no early
 * end), only the members an opsdesk backup has, each once, as plain files; the manifest, and every member's size and
 * SHA-256 against it (and an attachment's against its name). Throws CommandFailed naming what is wrong; the caller
 * removes the folder.
 */
export async function unpackArchive(file: string, folder: string): Promise<Manifest> {
  const seen = new Set<string>();
  const strangers: string[] = [];
  try {
    await extractTar({
      file,
      cwd: folder,
      strict: true,
      preserveOwner: false,
      filter: (name, entry) => {
        const type = 'type' in entry ? entry.type : 'File';
        const ok = type === 'File' && isMemberName(name) && !seen.has(name);
        if (ok) seen.add(name);
        else
          strangers.push(`${seen.has(name) ? 'a second ' : ''}${name}${type === 'File' ? '' : ` (${type})`}`);
        return ok;
      },
    });
  } catch (err) {
    const message = (err as Error).message || String(err);
    if (seen.size === 0 && strangers.length === 0)
      throw notOurs(file, `not a gzip'd tar archive: ${message}`);
    throw damaged(file, `the archive cannot be read to its end (${message}); it may be truncated`);
  }
  if (strangers.length > 0)
    throw notOurs(file, `it holds ${strangers.slice(0, 3).join(', ')}${strangers.length > 3 ? ', …' : ''}`);
  if (!seen.has(manifestMember)) {
    if (seen.has(databaseMember)) throw damaged(file, 'it has no manifest; it may be truncated');
    throw notOurs(file, 'it has no manifest');
  }
  const manifest = readManifest(file, path.join(folder, manifestMember));
  const listed = new Map(manifest.members.map((m) => [m.name, m]));
  for (const name of seen) {
    if (name !== manifestMember && !listed.has(name))
      throw damaged(file, `${name} is in the archive but not in its manifest`);
  }
  for (const member of manifest.members) {
    if (!seen.has(member.name))
      throw damaged(file, `${member.name} is in the manifest but not in the archive`);
    const target = path.join(folder, member.name);
    const size = fs.statSync(target).size;
    if (size !== member.size)
      throw damaged(file, `${member.name} has ${size} bytes where the manifest says ${member.size}`);
    const sha256 = await sha256Of(target);
    if (sha256 !== member.sha256)
      throw damaged(file, `${member.name} does not match its SHA-256 in the manifest (corrupted)`);
    const named = attachmentMember.exec(member.name)?.[2];
    if (named && named !== sha256) throw damaged(file, `${member.name} does not hold the file its name says`);
  }
  if (!listed.has(databaseMember)) throw damaged(file, 'it holds no database');
  return manifest;
}

function readManifest(file: string, manifestFile: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    throw damaged(file, 'its manifest is not JSON');
  }
  const m = data as Partial<Manifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== archiveFormat)
    throw notOurs(file, `its manifest's format is not ${archiveFormat}`);
  if (typeof m.formatVersion !== 'number' || m.formatVersion > archiveFormatVersion) {
    throw new CommandFailed(
      `${file} is a backup of format ${String(m.formatVersion)}, made by a newer opsdesk (${String(m.opsdeskVersion)}); restore it with that version or later`,
    );
  }
  const members = m.members;
  const validMember = (x: ManifestMember) =>
    x !== null &&
    typeof x === 'object' &&
    typeof x.name === 'string' &&
    isMemberName(x.name) &&
    x.name !== manifestMember &&
    Number.isSafeInteger(x.size) &&
    x.size >= 0 &&
    typeof x.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(x.sha256);
  if (
    !Array.isArray(members) ||
    !members.every(validMember) ||
    new Set(members.map((x) => x.name)).size !== members.length ||
    typeof m.schemaVersion !== 'string' ||
    m.dialect !== 'sqlite'
  )
    throw damaged(file, 'its manifest does not describe its members');
  return m as Manifest;
}
