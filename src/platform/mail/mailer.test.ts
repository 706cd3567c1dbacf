import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { DatabaseHandle } from '../db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import { createMailer, listOutbox } from './mailer.js';

interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  headers: Map<string, string>;
  text: string;
}

/** A real SMTP server on an ephemeral local port that keeps what it receives. */
async function startSmtpSink(overrides: Partial<SMTPServerOptions> = {}): Promise<{ url: string; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMessage(raw),
        });
        callback();
      });
    },
    ...overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// Just enough MIME for a single-part text message: unfolded headers with RFC 2047 words decoded,
// the body decoded from quoted-printable or base64.
function parseMessage(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const text = encoding === 'base64'
    ? Buffer.from(body, 'base64').toString('utf8')
    : encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body.replace(/=\r\n/g, ''))
      : body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, encoding: string, data: string) =>
      encoding.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')));
}

function decodeQuotedPrintable(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '=' && /^[0-9A-F]{2}$/i.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('mailer', () => {
  let handle: DatabaseHandle;
  before(async () => (handle = await openTestDatabase()));
  after(() => handle.close());

  const from = 'Stadt Teststadt <noreply@teststadt.example>';
  const subject = 'Ihr Antrag ÄÖÜ-2026-0001 ist eingegangen – Größe äußerst übel';
  const text = 'Guten Tag,\n\nwir haben Ihren Antrag erhalten. Größe: Äußerst übel.\n\nIhre Stadtverwaltung\n';

  it('delivers a plain-text UTF-8 mail over SMTP', async () => {
    const sink = await startSmtpSink();
    const mailer = createMailer({ smtpUrl: sink.url, from, db: handle.db });
    try {
      assert.equal(mailer.kind, 'smtp');

      await mailer.send({ tenantId: null, to: 'buerger@example.org', subject, text });

      assert.equal(sink.received.length, 1);
      const mail = sink.received[0]!;
      assert.equal(mail.envelopeFrom, 'noreply@teststadt.example');
      assert.deepEqual(mail.envelopeTo, ['buerger@example.org']);
      assert.equal(mail.headers.get('subject'), subject);
      assert.equal(mail.headers.get('from'), from);
      assert.equal(mail.headers.get('to'), 'buerger@example.org');
      assert.match(mail.headers.get('content-type') ?? '', /^text\/plain; charset=utf-8$/i);
      assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
      assert.equal(mail.text, text);
      assert.ok(mail.raw.includes('Subject: '), 'the raw data carries the subject header');
    } finally {
      mailer.close();
      await sink.close();
    }
  });

  it('sends a text attachment as a second part over SMTP, and keeps it in the outbox without SMTP', async () => {
    const calendar = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';
    const attachments = [{ filename: 'termin.ics', contentType: 'text/calendar; charset=utf-8', content: calendar }];
    const sink = await startSmtpSink();
    const mailer = createMailer({ smtpUrl: sink.url, from, db: handle.db });
    try {
      await mailer.send({ tenantId: null, to: 'buerger@example.org', subject: 'Termin', text: 'Im Anhang.', attachments });
      const raw = sink.received[0]!.raw;
      assert.match(sink.received[0]!.headers.get('content-type') ?? '', /^multipart\/mixed/);
      assert.match(raw, /Content-Type: text\/calendar; charset=utf-8; name=termin\.ics/);
      assert.match(raw, /Content-Disposition: attachment; filename=termin\.ics/);
      assert.ok(raw.includes('BEGIN:VCALENDAR') || raw.includes(Buffer.from(calendar).toString('base64').slice(0, 20)));
    } finally {
      mailer.close();
      await sink.close();
    }
    const outbox = createMailer({ from, db: handle.db });
    const to = `termin-${randomUUID()}@example.org`;
    await outbox.send({ tenantId: null, to, subject: 'Termin', text: 'Im Anhang.', attachments });
    assert.deepEqual((await listOutbox(handle.db, 50)).find((m) => m.to === to)?.attachments, attachments);
  });

  it('rejects when the SMTP server refuses the recipient, so the job is retried', async () => {
    const sink = await startSmtpSink({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      },
    });
    const mailer = createMailer({ smtpUrl: sink.url, from, db: handle.db });
    try {
      await assert.rejects(mailer.send({ tenantId: null, to: 'nobody@example.org', subject: 'Test', text: 'Test' }), /Mailbox unavailable|rejected/);
      assert.equal(sink.received.length, 0);
    } finally {
      mailer.close();
      await sink.close();
    }
  });

  it('rejects when no SMTP server is listening', async () => {
    const sink = await startSmtpSink();
    await sink.close();
    const mailer = createMailer({ smtpUrl: sink.url, from, db: handle.db });
    await assert.rejects(mailer.send({ tenantId: null, to: 'buerger@example.org', subject: 'Test', text: 'Test' }));
    mailer.close();
  });

  it('keeps mail in the outbox when no SMTP server is configured', async () => {
    const tenant = await buildTenant(handle.db);
    const mailer = createMailer({ from, db: handle.db });
    assert.equal(mailer.kind, 'outbox');
    const unique = `${subject} ${randomUUID()}`;

    await mailer.send({ tenantId: tenant.id, to: 'buerger@example.org', subject: `${unique} (1)`, text });
    await mailer.send({ tenantId: null, to: 'zweite@example.org', subject: `${unique} (2)`, text: 'Zweite Nachricht' });

    const [newest, older] = await listOutbox(handle.db, 2);
    assert.equal(newest?.subject, `${unique} (2)`);
    assert.equal(newest.to, 'zweite@example.org');
    assert.equal(newest.tenantId, null);
    assert.equal(older?.subject, `${unique} (1)`);
    assert.equal(older.text, text);
    assert.equal(older.tenantId, tenant.id);
    assert.ok(older.createdAt instanceof Date);
    assert.equal((await listOutbox(handle.db, 1)).length, 1);
  });

  it('stores every mail of a batch sent side by side', async () => {
    const mailer = createMailer({ from, db: handle.db });
    const unique = randomUUID();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => mailer.send({ tenantId: null, to: `empfaenger${i}@example.org`, subject: `${unique} ${i}`, text })),
    );
    assert.ok(outcomes.every((o) => o.status === 'fulfilled'));
    const stored = (await listOutbox(handle.db, 12)).filter((m) => m.subject.startsWith(unique));
    assert.deepEqual(stored.map((m) => m.to).sort(), Array.from({ length: 12 }, (_, i) => `empfaenger${i}@example.org`).sort());
  });

  it('refuses a recipient that is a list of addresses or a subject with a line break', async () => {
    const mailer = createMailer({ from, db: handle.db });
    await assert.rejects(mailer.send({ tenantId: null, to: 'a@example.org, b@example.org', subject: 'Test', text: 'Test' }), /single e-mail address/);
    await assert.rejects(mailer.send({ tenantId: null, to: 'a@example.org', subject: 'Test\r\nBcc: b@example.org', text: 'Test' }), /one line/);
  });

  it('refuses a sender that is not one mailbox', () => {
    assert.throws(() => createMailer({ from: 'nobody', db: handle.db }), /sender address/);
  });
});
