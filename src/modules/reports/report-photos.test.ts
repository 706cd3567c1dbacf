import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { hasGpsIfd, phoneJpeg, pngBomb } from '../../test-support/reports.js';
import { maxInputPixels, processPhoto } from './report-photos.js';

describe('photos of defect reports', () => {
  it('stores a new JPEG without EXIF: no GPS position, no camera, no serial number', async () => {
    const original = await phoneJpeg();
    const before = await sharp(original).metadata();
    assert.ok(before.exif, 'the test photo carries EXIF');
    assert.ok(before.exif.includes(Buffer.from('SN-0815-4711')), 'with the serial number');
    assert.ok(hasGpsIfd(before.exif), 'with a GPS position');
    const processed = await processPhoto(original);
    assert.ok(typeof processed === 'object');
    for (const image of [processed.photo, processed.thumbnail]) {
      assert.equal(hasGpsIfd(image), false);
      const meta = await sharp(image).metadata();
      assert.equal(meta.format, 'jpeg');
      assert.equal(meta.exif, undefined, 'no EXIF block at all, so no GPS IFD');
      assert.equal(meta.icc, undefined);
      assert.equal(meta.xmp, undefined);
      for (const trace of ['Testkamera', 'Schlaglochfinder', 'SN-0815-4711', 'Exif\0\0']) assert.equal(image.includes(Buffer.from(trace)), false, trace);
    }
  });

  it('applies the EXIF orientation to the pixels, resizes, and makes a thumbnail', async () => {
    const processed = await processPhoto(await phoneJpeg(4000, 3000));
    assert.ok(typeof processed === 'object');
    // Orientation 6 means "rotate 90°": the landscape original is stored upright as portrait.
    assert.deepEqual([processed.width, processed.height], [1200, 1600]);
    const thumb = await sharp(processed.thumbnail).metadata();
    assert.deepEqual([thumb.width, thumb.height], [240, 320]);
  });

  it('takes PNG and WebP too', async () => {
    for (const format of ['png', 'webp'] as const) {
      const bytes = await sharp({ create: { width: 50, height: 40, channels: 3, background: '#336699' } }).toFormat(format).toBuffer();
      const processed = await processPhoto(bytes);
      assert.ok(typeof processed === 'object', format);
      assert.equal((await sharp(processed.photo).metadata()).format, 'jpeg');
    }
  });

  it('refuses what is not an image, whatever it is called', async () => {
    assert.equal(await processPhoto(Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')), 'notAnImage');
    assert.equal(await processPhoto(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')), 'notAnImage', 'SVG can carry script');
    assert.equal(await processPhoto(Buffer.alloc(0)), 'notAnImage');
    const gif = await sharp({ create: { width: 5, height: 5, channels: 3, background: '#000' } }).gif().toBuffer();
    assert.equal(await processPhoto(gif), 'notAnImage', 'only JPEG, PNG and WebP');
  });

  it('refuses a JPEG whose pixel data is cut off', async () => {
    const jpeg = await phoneJpeg();
    assert.equal(await processPhoto(jpeg.subarray(0, Math.floor(jpeg.length / 2))), 'notAnImage');
  });

  it('refuses a decompression bomb from its header, before decoding it', async () => {
    const bomb = await pngBomb();
    assert.ok(bomb.length < 100, 'a few bytes');
    const header = await sharp(bomb, { limitInputPixels: false }).metadata();
    assert.ok(header.width! * header.height! > maxInputPixels, 'the header claims more pixels than allowed');
    const started = performance.now();
    assert.equal(await processPhoto(bomb), 'tooManyPixels');
    assert.ok(performance.now() - started < 1000, 'refused at once, nothing decoded');
  });

  it('does not load sharp (libvips) when the portal starts, only when the first photo is processed', { skip: process.platform !== 'linux' && 'reads /proc/self/maps' }, async () => {
    // A fresh process: this test file itself has loaded sharp already.
    const appModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../app.ts');
    const photos = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'report-photos.ts');
    const script = `
      import { readFileSync } from 'node:fs';
      const vips = () => readFileSync('/proc/self/maps', 'utf8').includes('libvips');
      await import(${JSON.stringify(appModule)});
      const atStart = vips();
      const { processPhoto } = await import(${JSON.stringify(photos)});
      await processPhoto(Buffer.from('not an image'));
      console.log(JSON.stringify({ atStart, afterPhoto: vips() }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script]);
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { atStart: false, afterPhoto: true });
  });
});
