import { z } from 'zod';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Rathaus <noreply@rathaus.localhost>'),
  BASE_URL: z.string().url().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_DATA: z.enum(['true', 'false']).optional(),
  SUBMISSION_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  TRUST_PROXY: z.string().regex(/^(true|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, 'true or a comma-separated list of proxy addresses/CIDRs').optional(),
  TOTP_KEY: z.string().refine((s) => /^[A-Za-z0-9+/]{43}=$/.test(s), '32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)').optional(),
  HANDOFF_KEY: z.string().refine((s) => /^[A-Za-z0-9+/]{43}=$/.test(s), '32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)').optional(),
  PAYMENT_SANDBOX_SECRET: z.string().refine((s) => /^[A-Za-z0-9+/]{43}=$/.test(s), '32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)').optional(),
  ANSWERS_KEY: z.string().refine((s) => /^[A-Za-z0-9+/]{43}=$/.test(s), '32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)').optional(),
  HANDOFF_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false']).optional(),
  APPOINTMENT_KEY: z.string().refine((s) => /^[A-Za-z0-9+/]{43}=$/.test(s), '32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)').optional(),
  APPOINTMENT_FRICTION_BITS: z.coerce.number().int().min(0).max(24).default(18),
  REPORT_FOLLOW_UP_DAYS: z.coerce.number().int().min(0).max(365).default(28),
})
  .refine((c) => c.TOTP_KEY || c.NODE_ENV !== 'production', { path: ['TOTP_KEY'], message: 'required when NODE_ENV=production' })
  .refine((c) => c.ANSWERS_KEY || c.NODE_ENV !== 'production', { path: ['ANSWERS_KEY'], message: 'required when NODE_ENV=production' });

/** Validated process configuration; the only place that reads process.env. */
export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  smtpUrl?: string;
  mailFrom: string;
  baseUrl?: string;
  env: 'development' | 'production' | 'test';
  logLevel: string;
  demoData: boolean;
  /** Submissions per client IP and minute. */
  submissionRateLimit: number;
  /** Days after a defect report is done until its reporter is asked whether it is really fixed (ADR 0026); 0 asks at once (tests). */
  reportFollowUpDays: number;
  /** Which reverse proxies may set X-Forwarded-For (client IPs for rate limits); none by default. */
  trustProxy: boolean | string[];
  /** Key that encrypts the TOTP secrets (staff and citizen accounts) and the towns' IdP client secrets; without it (never in production) one is kept in DATA_DIR/keys. */
  totpKey?: Buffer;
  /** Key that encrypts the signing secrets of hand-off targets; without it (never in production) one is kept in DATA_DIR/keys. */
  handoffKey?: Buffer;
  /** Key that signs the sandbox payment provider's notifications; without it (never in production) one is kept in DATA_DIR/keys. */
  paymentSandboxSecret?: Buffer;
  /** Master key that wraps the towns' data keys for sensitive answers (ADR 0025); without it (never in production) one is kept in DATA_DIR/keys. */
  answersKey?: Buffer;
  /** Whether hand-offs may go to private, loopback or link-local addresses in production (docs/adr/0012). */
  handoffAllowPrivateTargets: boolean;
  /** Key that signs the booking forms' challenges (ADR 0024); without it (never in production) one is kept in DATA_DIR/keys. */
  appointmentKey?: Buffer;
  /** Zero bits of the proof of work a booking needs (0: no friction on the booking step). */
  appointmentFrictionBits: number;
};

/** Parses the environment; throws one readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    databaseUrl: c.DATABASE_URL,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    baseUrl: c.BASE_URL,
    env: c.NODE_ENV,
    logLevel: c.LOG_LEVEL,
    // Demo towns by default on a laptop, never by default in production.
    demoData: c.DEMO_DATA ? c.DEMO_DATA === 'true' : c.NODE_ENV !== 'production',
    submissionRateLimit: c.SUBMISSION_RATE_LIMIT,
    trustProxy: c.TRUST_PROXY === undefined ? false : c.TRUST_PROXY === 'true' ? true : c.TRUST_PROXY.split(','),
    totpKey: c.TOTP_KEY ? Buffer.from(c.TOTP_KEY, 'base64') : undefined,
    handoffKey: c.HANDOFF_KEY ? Buffer.from(c.HANDOFF_KEY, 'base64') : undefined,
    paymentSandboxSecret: c.PAYMENT_SANDBOX_SECRET ? Buffer.from(c.PAYMENT_SANDBOX_SECRET, 'base64') : undefined,
    answersKey: c.ANSWERS_KEY ? Buffer.from(c.ANSWERS_KEY, 'base64') : undefined,
    handoffAllowPrivateTargets: c.HANDOFF_ALLOW_PRIVATE_TARGETS === 'true',
    appointmentKey: c.APPOINTMENT_KEY ? Buffer.from(c.APPOINTMENT_KEY, 'base64') : undefined,
    appointmentFrictionBits: c.APPOINTMENT_FRICTION_BITS,
    reportFollowUpDays: c.REPORT_FOLLOW_UP_DAYS,
  };
}
