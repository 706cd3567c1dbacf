import addressparser from 'nodemailer/lib/addressparser';
import { asApplicationRole, type Db } from '../db/database.js';
import { createGroupCommit } from '../db/group-commit.js';

/** A small text attachment, e.g. an ICS calendar entry. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/** A plain-text e-mail to one recipient, with optional text attachments. */
export interface MailMessage {
  tenantId: string | null;
  to: string;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
}

/** Sends mail by SMTP, or keeps it in the local outbox when no SMTP server is configured. */
export interface Mailer {
  kind: 'smtp' | 'outbox';
  /** Resolves once the SMTP server accepted the message (or the outbox stored it); rejects otherwise, so a job retries. */
  send(message: MailMessage): Promise<void>;
  /** Closes kept SMTP connections. */
  close(): void;
}

/** A message kept in the developer outbox. */
export interface OutboxMail {
  id: string;
  tenantId: string | null;
  to: string;
  subject: string;
  text: string;
  attachments: MailAttachment[];
  createdAt: Date;
}

// Well below the job lease (5 minutes), so a hanging server fails the attempt instead of letting a
// second worker start the same send. nodemailer's own socket timeout is 10 minutes.
const smtpTimeouts = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

// One bare address: the recipient usually comes from a form, and a list ("a@x.de, b@y.de") would
// otherwise reach every address in it.
const singleAddress = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+$/;

/** Creates the mailer: SMTP when smtpUrl is set (smtp:// or smtps://, credentials in the URL), else the outbox table. */
export function createMailer(options: { smtpUrl?: string; from: string; db: Db }): Mailer {
  const from = parseFrom(options.from);
  if (!options.smtpUrl) {
    const { db } = options;
    // The job worker sends a batch of mails side by side; they are stored in one transaction.
    const store = createGroupCommit<MailMessage, void>({
      maxInFlight: 1,
      maxBatch: 100,
      write: async (_key, messages) => {
        // The application role may insert into and read the outbox but not change it.
        await asApplicationRole(db, (trx) =>
          trx.insertInto('mail_outbox').values(messages.map((m) => ({ tenant_id: m.tenantId, recipient: m.to, subject: m.subject, body: m.text, attachments: JSON.stringify(m.attachments ?? []) }))).execute(),
        );
        return messages.map(() => undefined);
      },
    });
    return {
      kind: 'outbox',
      async send(message) {
        checkMessage(message);
        await store('outbox', message);
      },
      close() {},
    };
  }
  // A pool: the job worker sends a batch of mails side by side over a few kept connections.
  // nodemailer (650 KB of code) is loaded here only, not at every start with the local outbox.
  const transport = import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ url: options.smtpUrl, pool: true, maxConnections: 5, ...smtpTimeouts }));
  return {
    kind: 'smtp',
    async send(message) {
      checkMessage(message);
      await (await transport).sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        textEncoding: 'quoted-printable',
        attachments: message.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        // RFC 3834: stops out-of-office replies to a sender nobody reads.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close: async () => (await transport).close(),
  };
}

/** The newest messages in the developer outbox, newest first. */
export async function listOutbox(db: Db, limit: number): Promise<OutboxMail[]> {
  const rows = await asApplicationRole(db, (trx) =>
    trx.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
  );
  return rows.map((r) => ({ id: String(r.id), tenantId: r.tenant_id, to: r.recipient, subject: r.subject, text: r.body, attachments: r.attachments, createdAt: r.created_at }));
}

function parseFrom(value: string): { name: string; address: string } {
  const parsed = addressparser(value, { flatten: true });
  const [mailbox] = parsed;
  if (parsed.length !== 1 || !mailbox || !singleAddress.test(mailbox.address)) {
    throw new Error(`The sender address must be one mailbox such as "Rathaus <noreply@example.org>", got "${value}"`);
  }
  return mailbox;
}

function checkMessage(message: MailMessage): void {
  // The address itself stays out of the error: it ends up in the job table and the log.
  if (message.to.length > 254 || !singleAddress.test(message.to)) throw new Error('The recipient must be a single e-mail address');
  if (/[\r\n]/.test(message.subject)) throw new Error('A mail subject must be one line');
}

