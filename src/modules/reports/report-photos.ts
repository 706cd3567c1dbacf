import type { Metadata } from 'sharp';

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp> | undefined;

/**
 * sharp, loaded on the first photo: loading its native library took about 100 ms of every server
 * start, which most starts (and most processes: the CLI, the job worker) never need.
 */
function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}

/**
 * Largest picture accepted, in pixels: above the 48-megapixel output of current phone cameras,
 * far below what a decompression bomb claims (a few kilobytes of PNG that would decode to gigabytes).
 */
export const maxInputPixels = 50_000_000;
/** Longest side of a stored photo and of its thumbnail: enough to see the defect, small to serve. */
const photoSide = 1600;
const thumbnailSide = 320;
const acceptedFormats = new Set(['jpeg', 'png', 'webp']);

/** A photo as the portal stores it: re-encoded JPEG without any metadata, and its thumbnail. */
export interface ProcessedPhoto { photo: Buffer; thumbnail: Buffer; width: number; height: number }

/** Why an upload is not taken as a photo. */
export type PhotoProblem = 'notAnImage' | 'tooManyPixels';

/**
 * Re-encodes an uploaded photo. The header is read first (sharp's metadata reads no pixels), so a
 * picture claiming too many pixels is refused before anything is decoded; `limitInputPixels` holds
 * the same line for the decoder itself. The output is a new JPEG: sharp writes no EXIF (GPS
 * position, camera serial, time), ICC or XMP unless asked to, so nothing of the original's
 * metadata survives; the EXIF orientation is applied to the pixels first so the photo stays upright.
 */
export async function processPhoto(bytes: Buffer): Promise<ProcessedPhoto | PhotoProblem> {
  const sharp = await loadSharp();
  let header: Metadata;
  try {
    // The header only: no pixels are decoded here, so no limit is needed to read what it claims.
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return 'notAnImage';
  }
  if (!header.format || !acceptedFormats.has(header.format) || !header.width || !header.height) return 'notAnImage';
  if (header.width * header.height > maxInputPixels) return 'tooManyPixels';
  try {
    const upright = sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'error' }).rotate();
    const [photo, thumbnail] = await Promise.all([
      upright.clone().resize({ width: photoSide, height: photoSide, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 82, mozjpeg: true }).toBuffer({ resolveWithObject: true }),
      upright.clone().resize({ width: thumbnailSide, height: thumbnailSide, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75, mozjpeg: true }).toBuffer(),
    ]);
    return { photo: photo.data, thumbnail, width: photo.info.width, height: photo.info.height };
  } catch {
    // A valid header over broken or truncated pixel data.
    return 'notAnImage';
  }
}
