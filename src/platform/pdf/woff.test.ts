import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { unpackWoff } from './woff.js';

const require = createRequire(import.meta.url);
const woff = readFileSync(require.resolve('@kern-ux/native/dist/fonts/noto-sans/NotoSans-Regular.woff'));

describe('unpackWoff', () => {
  it('unpacks the design system font into a TrueType file with every table of the original', () => {
    const ttf = unpackWoff(woff);

    assert.equal(ttf.readUInt32BE(0), 0x00010000, 'TrueType outlines');
    const numTables = ttf.readUInt16BE(4);
    assert.equal(numTables, woff.readUInt16BE(12));
    const tags = Array.from({ length: numTables }, (_, i) => ttf.toString('latin1', 12 + i * 16, 16 + i * 16));
    for (const tag of ['cmap', 'glyf', 'head', 'hmtx', 'loca', 'name']) assert.ok(tags.includes(tag), `has ${tag}`);
    assert.equal(ttf.length, woff.readUInt32BE(16), 'as long as the WOFF header says the original was');
  });

  it('refuses a file that is not WOFF', () => {
    assert.throws(() => unpackWoff(Buffer.from('%PDF-1.7')), /Not a WOFF/);
  });
});
