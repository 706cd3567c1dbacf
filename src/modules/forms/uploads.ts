import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { safePickName, type FileRef, type RawInput } from './answers.js';
import type { FieldDefinition, StepDefinition } from './form-definition.js';
import { t } from './forms.i18n.js';

type FileFieldDefinition = Extract<FieldDefinition, { type: 'file' }>;

/** A file as received, checked by its content (never by name or declared type), not yet stored. */
export interface ReceivedFile { fieldId: string; ref: FileRef; bytes: Buffer }

const typeNames: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

/** Keeps the last path segment, drops control and markup characters, and limits the length. */
function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '').trim().slice(-120);
  return cleaned || 'datei';
}

/**
 * Reads a multipart step: text fields into RawInput, files checked against the step's file
 * fields (declared size, sniffed type). Files of unknown fields are refused by the caller.
 */
export async function readMultipartStep(request: FastifyRequest, step: StepDefinition, lang: Lang): Promise<{ raw: RawInput; files: ReceivedFile[]; fileErrors: FieldErrors; unknownFileField: boolean }> {
  const raw: RawInput = {};
  const files: ReceivedFile[] = [];
  const fileErrors: FieldErrors = {};
  let unknownFileField = false;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      const value = typeof part.value === 'string' ? part.value : String(part.value);
      const existing = raw[part.fieldname];
      raw[part.fieldname] = existing === undefined ? value : ([] as string[]).concat(existing, value);
      continue;
    }
    const bytes = await part.toBuffer();
    // A file input left empty still sends a part without name and content.
    if (!part.filename && bytes.length === 0) continue;
    const field = step.fields.find((f) => f.id === part.fieldname);
    if (!field || field.type !== 'file') {
      unknownFileField = true;
      continue;
    }
    const filename = cleanFilename(part.filename);
    // A cut-off file counts as too large whatever its remaining bytes look like.
    const mediaType = part.file.truncated ? '' : (await fileTypeFromBuffer(bytes))?.mime;
    const problem = fileProblem(field, { filename, size: part.file.truncated ? Infinity : bytes.length, mediaType }, lang);
    if (problem) {
      fileErrors[field.id] ??= problem;
      continue;
    }
    files.push({ fieldId: field.id, bytes, ref: { id: randomUUID(), filename, size: bytes.length, mediaType: mediaType! } });
  }
  return { raw, files, fileErrors, unknownFileField };
}

/**
 * Why a file cannot go into a file field (empty, too large, a type the field does not accept), or
 * undefined when it can; `mediaType` is what sniffing the content found. Uploads and documents
 * taken from the document safe pass the same checks.
 */
export function fileProblem(field: FileFieldDefinition, file: { filename: string; size: number; mediaType: string | undefined }, lang: Lang): string | undefined {
  if (file.size === 0) return t(lang, 'fileEmpty', { file: file.filename });
  if (file.size > field.maxSizeMb * 1024 * 1024) return t(lang, 'fileTooLarge', { file: file.filename, max: field.maxSizeMb });
  if (!file.mediaType || !(field.accept as string[]).includes(file.mediaType)) {
    return t(lang, 'fileWrongType', { file: file.filename, types: field.accept.map((a) => typeNames[a] ?? a).join(', ') });
  }
  return undefined;
}

/** The documents picked from the document safe for the step's file fields, as posted (ids unchecked). */
export function pickedSafeDocuments(step: StepDefinition, raw: RawInput): Array<{ field: FileFieldDefinition; documentId: string }> {
  return step.fields.flatMap((field) => field.type === 'file'
    ? ([] as string[]).concat(raw[safePickName(field.id)] ?? []).map((documentId) => ({ field, documentId }))
    : []);
}
