import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import type { FileRef, RawInput } from './answers.js';
import type { StepDefinition } from './form-definition.js';
import { t } from './forms.i18n.js';

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
    if (bytes.length === 0) {
      fileErrors[field.id] ??= t(lang, 'fileEmpty', { file: filename });
      continue;
    }
    if (part.file.truncated || bytes.length > field.maxSizeMb * 1024 * 1024) {
      fileErrors[field.id] ??= t(lang, 'fileTooLarge', { file: filename, max: field.maxSizeMb });
      continue;
    }
    const sniffed = await fileTypeFromBuffer(bytes);
    if (!sniffed || !(field.accept as string[]).includes(sniffed.mime)) {
      fileErrors[field.id] ??= t(lang, 'fileWrongType', { file: filename, types: field.accept.map((a) => typeNames[a] ?? a).join(', ') });
      continue;
    }
    files.push({ fieldId: field.id, bytes, ref: { id: randomUUID(), filename, size: bytes.length, mediaType: sniffed.mime } });
  }
  return { raw, files, fileErrors, unknownFileField };
}
