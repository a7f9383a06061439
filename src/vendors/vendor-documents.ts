// Documents kept for a vendor (signed contracts, price lists, certificates): checked and stored exactly as ticket
// attachments are (the helpdesk's storeFile: accepted types checked against the file's first bytes, the size
// limit, kept under their SHA-256 in the data folder); the rows say whose they are. Managers and admins upload;
// staff list and download. Every upload is audited.
import type { FileHandle } from 'node:fs/promises';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { NotFound } from '../core/errors.js';
import { type IncomingFile, openStoredFile, storeFile } from '../helpdesk/index.js';
import { requireVendorRight } from './policies.js';

export interface VendorDocument {
  id: number;
  vendorId: number;
  title: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: number | null;
  createdAt: number;
}

const toDocument = (r: {
  id: number;
  vendor_id: number;
  title: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: number | null;
  created_at: number;
}): VendorDocument => ({
  id: r.id,
  vendorId: r.vendor_id,
  title: r.title,
  filename: r.filename,
  contentType: r.content_type,
  sizeBytes: Number(r.size_bytes),
  sha256: r.sha256,
  uploadedBy: r.uploaded_by,
  createdAt: r.created_at,
});

async function requireVendor(ctx: ServiceContext, id: number): Promise<void> {
  if (!(await ctx.db.selectFrom('vendors').select('id').where('id', '=', id).executeTakeFirst()))
    throw new NotFound('vendor_not_found', `Vendor ${id} does not exist.`);
}

export async function addVendorDocument(
  ctx: ServiceContext,
  actor: Actor,
  vendorId: number,
  file: IncomingFile,
  title?: string,
): Promise<VendorDocument> {
  requireVendorRight(actor, 'vendors.manage');
  try {
    await requireVendor(ctx, vendorId);
  } catch (err) {
    file.stream.resume();
    throw err;
  }
  const stored = await storeFile(ctx, file);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto('vendor_documents')
      .values({
        vendor_id: vendorId,
        title: (title ?? '').trim().slice(0, 200) || stored.filename,
        filename: stored.filename,
        content_type: stored.contentType,
        size_bytes: stored.size,
        sha256: stored.sha256,
        uploaded_by: actor.id,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'vendor.document_add',
      subjectType: 'vendor',
      subjectId: vendorId,
      details: { documentId: r.id, filename: stored.filename, sizeBytes: stored.size },
    });
    return r;
  });
  return toDocument(row);
}

export async function listVendorDocuments(
  ctx: ServiceContext,
  actor: Actor,
  vendorId: number,
): Promise<VendorDocument[]> {
  requireVendorRight(actor, 'vendors.read');
  await requireVendor(ctx, vendorId);
  const rows = await ctx.db
    .selectFrom('vendor_documents')
    .selectAll()
    .where('vendor_id', '=', vendorId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toDocument);
}

/** A document and its stored file, open; NotFound when either is gone (a lost file is logged). */
export async function openVendorDocument(
  ctx: ServiceContext,
  actor: Actor,
  vendorId: number,
  documentId: number,
): Promise<{ document: VendorDocument; file: FileHandle }> {
  requireVendorRight(actor, 'vendors.read');
  const row = await ctx.db
    .selectFrom('vendor_documents')
    .selectAll()
    .where('id', '=', documentId)
    .where('vendor_id', '=', vendorId)
    .executeTakeFirst();
  if (!row)
    throw new NotFound('vendor_document_not_found', `Vendor ${vendorId} has no document ${documentId}.`);
  const file = await openStoredFile(ctx, row.sha256);
  if (!file) {
    ctx.log.warn({ vendorDocumentId: documentId }, 'the stored file of a vendor document is missing');
    throw new NotFound(
      'vendor_document_not_found',
      `The file of document ${documentId} is no longer stored.`,
    );
  }
  return { document: toDocument(row), file };
}
