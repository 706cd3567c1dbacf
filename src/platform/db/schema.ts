import type { Localized } from '../i18n/i18n.js';
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** eIDAS levels of assurance of a sign-in, weakest first. */
export const trustLevels = ['low', 'substantial', 'high'] as const;
/** eIDAS level of assurance of a sign-in. */
export type TrustLevel = (typeof trustLevels)[number];

/** A small text attachment of a mail in the developer outbox. */
export interface MailAttachmentRow {
  filename: string;
  contentType: string;
  content: string;
}

/** Kysely's view of the tables created by migrations/*.sql. */
export interface Database {
  tenants: {
    id: Generated<string>;
    slug: string;
    name: string;
    hosts: string[];
    reference_prefix: string;
    profile: ColumnType<TenantProfile, string, string>;
    created_at: Timestamp;
  };
  departments: {
    tenant_id: string;
    id: Generated<string>;
    key: string;
    name: ColumnType<{ de: string; en?: string }, string, string>;
    contact: ColumnType<DepartmentContact, string, string>;
    /** Set while the department takes no new services or role assignments. */
    deactivated_at: ColumnType<Date | null, never, Date | null>;
  };
  tenant_services: { tenant_id: string; service_id: string; department_id: string };
  staff: {
    tenant_id: string;
    id: Generated<string>;
    email: string;
    name: string;
    /** Null while an invited account has not chosen its password. */
    password_hash: string | null;
    created_at: Timestamp;
    town_admin: ColumnType<boolean, boolean | undefined, boolean>;
    /** Set while the account cannot sign in. */
    deactivated_at: ColumnType<Date | null, never, Date | null>;
  };
  staff_departments: { tenant_id: string; staff_id: string; department_id: string; role: string };
  sessions: {
    tenant_id: string;
    id_hash: string;
    /** Signed in: password and second factor verified. */
    staff_id: string | null;
    /** Password verified, second factor not yet. */
    pending_staff_id: ColumnType<string | null, string | null | undefined, string | null>;
    csrf_token: string;
    receipts: ColumnType<string[], string[] | undefined, string[]>;
    created_at: Timestamp;
    last_seen_at: Timestamp;
    expires_at: Timestamp;
    /** Names the session on the account's security page (the id hash never leaves the server). */
    public_id: Generated<string>;
    /** A signed-in citizen account. */
    account_id: ColumnType<string | null, string | null | undefined, string | null>;
    /** Password verified, the account's second factor not yet. */
    pending_account_id: ColumnType<string | null, string | null | undefined, string | null>;
    trust_level: ColumnType<TrustLevel | null, TrustLevel | null | undefined, TrustLevel | null>;
    user_agent: ColumnType<string | null, string | null | undefined, string | null>;
    /** When the owner last proved a credential in this session (sign-in, password asked again). */
    authenticated_at: ColumnType<Date, Date | undefined, Date>;
  };
  accounts: {
    tenant_id: string;
    id: Generated<string>;
    email: string;
    password_hash: string | null;
    verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    language: ColumnType<'de' | 'en', 'de' | 'en' | undefined, 'de' | 'en'>;
    created_at: Generated<Date>;
  };
  account_tokens: {
    tenant_id: string;
    token_hash: string;
    account_id: string;
    purpose: 'verify_email' | 'reset_password';
    expires_at: Date;
    used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    created_at: Generated<Date>;
  };
  organisations: {
    tenant_id: string;
    id: Generated<string>;
    name: string;
    created_by: string | null;
    created_at: Generated<Date>;
  };
  organisation_members: {
    tenant_id: string;
    organisation_id: string;
    account_id: string;
    role: 'owner' | 'member';
    joined_at: Generated<Date>;
  };
  organisation_invitations: {
    tenant_id: string;
    id: Generated<string>;
    token_hash: string;
    organisation_id: string;
    organisation_name: string;
    email: string;
    role: 'owner' | 'member';
    invited_by: string | null;
    expires_at: Date;
    accepted_by: ColumnType<string | null, string | null | undefined, string | null>;
    accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    created_at: Generated<Date>;
  };
  /** An account's profile (ADR 0021); every detail optional, the address whole or absent. */
  account_profiles: {
    tenant_id: string;
    account_id: string;
    given_name: string | null;
    family_name: string | null;
    /** YYYY-MM-DD; selected as text (pg would read a date as a Date at UTC midnight). */
    birth_date: string | null;
    street: string | null;
    house_number: string | null;
    postcode: string | null;
    city: string | null;
    phone: string | null;
    prefill_consent_at: Date | null;
    updated_at: Timestamp;
  };
  /** An account's document safe: proofs uploaded once, attached to later applications (ADR 0021). */
  account_documents: {
    tenant_id: string;
    id: Generated<string>;
    account_id: string;
    name: string;
    filename: string;
    media_type: string;
    size: number;
    sha256: string;
    created_at: Generated<Date>;
  };
  login_throttle: {
    tenant_id: string;
    key_hash: string;
    failures: number;
    blocked_until: Date | null;
    last_failure_at: Date;
  };
  account_passkeys: {
    tenant_id: string;
    id: Generated<string>;
    account_id: string;
    /** base64url, as the browser reports it. */
    credential_id: string;
    /** The COSE public key from the registration. */
    public_key: Buffer;
    /** The authenticator's signature counter (uint32, so bigint in SQL). */
    sign_count: ColumnType<number, number | undefined, number>;
    transports: ColumnType<string[], string[] | undefined, string[]>;
    name: string;
    created_at: Generated<Date>;
    last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  account_totp: {
    tenant_id: string;
    account_id: string;
    secret_sealed: string;
    confirmed_at: Date | null;
    last_time_step: number | null;
    failed_attempts: ColumnType<number, number | undefined, number>;
    locked_until: Date | null;
  };
  account_recovery_codes: { tenant_id: string; account_id: string; code_hash: string; used_at: Date | null };
  webauthn_challenges: {
    tenant_id: string;
    session_hash: string;
    purpose: 'register' | 'sign_in';
    challenge: string;
    expires_at: Date;
  };
  staff_totp: {
    tenant_id: string;
    staff_id: string;
    secret_sealed: string;
    confirmed_at: Date | null;
    last_time_step: number | null;
    failed_attempts: ColumnType<number, number | undefined, number>;
    locked_until: Date | null;
  };
  staff_invitations: {
    token_hash: string;
    tenant_id: string;
    staff_id: string;
    expires_at: Date;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
  staff_recovery_codes: { tenant_id: string; staff_id: string; code_hash: string; used_at: Date | null };
  staff_idps: {
    tenant_id: string;
    issuer: string;
    client_id: string;
    client_secret_sealed: string | null;
    display_name: string;
    link_by_email: ColumnType<boolean, boolean | undefined, boolean>;
    mfa_acr_values: ColumnType<string[], string[] | undefined, string[]>;
    updated_at: Timestamp;
  };
  staff_oidc_links: { tenant_id: string; staff_id: string; issuer: string; subject: string; linked_at: Timestamp };
  account_idps: {
    tenant_id: string;
    issuer: string;
    client_id: string;
    client_secret_sealed: string | null;
    display_name: string;
    acr_levels: ColumnType<Record<string, TrustLevel>, string, string>;
    link_by_email: ColumnType<boolean, boolean | undefined, boolean>;
    updated_at: Timestamp;
  };
  account_oidc_links: { tenant_id: string; account_id: string; issuer: string; subject: string; linked_at: Timestamp };
  oidc_flows: {
    tenant_id: string;
    session_hash: string;
    purpose: string;
    return_to: ColumnType<string | null, string | null | undefined, string | null>;
    issuer: string;
    redirect_uri: string;
    state: string;
    nonce: string;
    code_verifier: string;
    expires_at: Timestamp;
  };
  definition_snapshots: { hash: string; service_id: string; version: number; body: ColumnType<unknown, string, never>; created_at: Timestamp };
  drafts: {
    tenant_id: string;
    id: string;
    session_hash: string;
    service_id: string;
    definition_hash: string;
    answers: ColumnType<Record<string, unknown>, string | undefined, string>;
    created_at: Timestamp;
    updated_at: Timestamp;
    /** The account the draft belongs to; null while it is the browser session's (ADR 0019). */
    account_id: ColumnType<string | null, string | null | undefined, string | null>;
    /** The organisation the account applies for; null: for the applicant personally (ADR 0023). */
    organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  };
  draft_resume_links: {
    tenant_id: string;
    token_hash: string;
    draft_id: string;
    expires_at: Date;
    used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    created_at: Generated<Date>;
  };
  submissions: {
    tenant_id: string;
    id: string;
    reference: string;
    service_id: string;
    definition_hash: string;
    department_id: string;
    answers: ColumnType<Record<string, unknown>, string, never>;
    language: string;
    receipt_token_hash: string;
    submitted_at: Timestamp;
    /** The account it was made from (null without one, or after the account was deleted). */
    account_id: ColumnType<string | null, never, never>;
    /** The organisation applied for (ADR 0023), and its name at the time (kept when it is dissolved). */
    organisation_id: ColumnType<string | null, never, never>;
    organisation_name: ColumnType<string | null, never, never>;
    /** The answers to fields marked sensitive, sealed with the town's data key `data_key_id` (ADR 0025); null before it or without such answers. */
    sealed_answers: ColumnType<string | null, never, never>;
    data_key_id: ColumnType<string | null, never, never>;
  };
  files: {
    tenant_id: string;
    id: string;
    sha256: string;
    media_type: string;
    size: number;
    filename: string;
    draft_id: string | null;
    submission_id: string | null;
    /** Set on the files of an applicant's answer: the request, and which requested document (null: a further one). */
    request_id: ColumnType<string | null, string | null | undefined, never>;
    request_item: ColumnType<number | null, number | null | undefined, never>;
    created_at: Timestamp;
  };
  cases: {
    tenant_id: string;
    id: string;
    submission_id: string;
    department_id: string;
    reference: string;
    service_id: string;
    status: Generated<string>;
    created_at: Timestamp;
    updated_at: Timestamp;
    version: Generated<number>;
    assignee_id: string | null;
    due_at: Timestamp | null;
    step: string | null;
    decision: string | null;
    /** Full-text vector (tsvector), written by submit_applications; only ever matched, never read. */
    search: ColumnType<string | null, never, never>;
    /** Set on a case that involves another department: the asking case, and the fields it shares. */
    parent_case_id: string | null;
    shared_answers: ColumnType<Record<string, Record<string, unknown>> | null, string | null | undefined, never>;
    /** The sensitive ones among the shared fields, sealed for this linked case (ADR 0025). */
    shared_sealed_answers: ColumnType<string | null, string | null | undefined, never>;
    shared_data_key_id: ColumnType<string | null, string | null | undefined, never>;
    /** How the case came in: 'online' (portal, API) or 'paper' (entered by staff). */
    channel: ColumnType<string, string | undefined, never>;
    /** The fee is paid first: the department sees the case only once a payment of it is paid (migration 20261129000000). */
    payment_first: ColumnType<boolean, boolean | undefined, never>;
  };
  case_involvements: {
    tenant_id: string;
    id: string;
    parent_case_id: string;
    linked_case_id: string;
    involvement_id: string;
    asking_department_id: string;
    involved_department_id: string;
    definition_hash: string;
    question: string;
    requested_by: string;
    requested_at: Generated<Date>;
    answer: string | null;
    answered_by: string | null;
    answered_at: Date | null;
  };
  case_events: {
    tenant_id: string;
    id: Generated<string>;
    case_id: string;
    occurred_at: Generated<Date>;
    staff_id: string | null;
    kind: string;
    details: ColumnType<Record<string, unknown>, string | undefined, never>;
  };
  case_documents: {
    tenant_id: string;
    id: string;
    case_id: string;
    kind: string;
    template_id: string;
    title: string;
    document_number: string;
    content: string;
    sha256: string;
    file_sha256: string;
    file_size: number;
    delivery: string;
    created_by: string;
    delivered_at: Generated<Date>;
    supersedes_document_id: string | null;
  };
  /** What remains of a case deleted after its retention period: no personal data. */
  deleted_cases: {
    tenant_id: string;
    case_id: string;
    reference: string;
    service_id: string;
    department_id: string;
    parent_case_id: string | null;
    submission_id: string;
    received_at: Timestamp;
    closed_at: Timestamp;
    retention_years: number;
    deleted_at: Generated<Date>;
    reason: string;
  };
  /** Stored files whose rows were deleted; the bytes go after the commit. */
  file_deletions: { tenant_id: string; sha256: string; requested_at: Generated<Date> };
  applicant_requests: {
    tenant_id: string;
    id: string;
    case_id: string;
    question: string;
    documents: ColumnType<string[], string[] | undefined, never>;
    /** YYYY-MM-DD (Europe/Berlin); read as a Date at UTC midnight by pg, so it is selected as text. */
    due_on: ColumnType<string, string, never>;
    requested_by: string;
    requested_at: Generated<Date>;
    state: Generated<string>;
    reply: string | null;
    answered_at: Date | null;
    answered_via: string | null;
    answered_case_version: number | null;
    withdrawn_by: string | null;
    withdrawn_at: Date | null;
  };
  /** Which postbox messages (a question or a letter of the account's cases) an account has opened. */
  postbox_reads: {
    tenant_id: string;
    account_id: string;
    case_id: string;
    request_id: string | null;
    document_id: string | null;
    payment_id: string | null;
    read_at: Generated<Date>;
  };
  /** The towns' data keys for sensitive answers, wrapped with ANSWERS_KEY (ADR 0025; keyring.ts). */
  data_keys: {
    tenant_id: string;
    id: string;
    wrapped_key: string;
    created_at: Generated<Date>;
  };
  handoff_targets: {
    tenant_id: string;
    service_id: string;
    url: string;
    /** The signing secret, sealed with HANDOFF_KEY (secret-box). */
    secret_sealed: string;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  handoff_deliveries: {
    tenant_id: string;
    id: string;
    case_id: string;
    service_id: string;
    status: Generated<'pending' | 'delivered' | 'failed' | 'resent'>;
    attempts: Generated<number>;
    last_attempt_at: Date | null;
    http_status: number | null;
    error: string | null;
    delivered_at: Date | null;
    created_at: Generated<Date>;
  };
  status_links: { token_hash: string; tenant_id: string; reference: string; created_at: Generated<Date> };
  audit_log: {
    id: Generated<string>;
    tenant_id: string;
    occurred_at: Timestamp;
    actor: string;
    action: string;
    subject: string;
    details: ColumnType<Record<string, unknown>, string | undefined, never>;
  };
  audit_blocks: {
    tenant_id: string;
    block_no: number | string;
    entry_count: number;
    previous_hash: string;
    hash: string;
    sealed_at: Timestamp;
  };
  audit_sealed: { tenant_id: string; entry_id: string; block_no: number | string };
  jobs: {
    id: Generated<string>;
    tenant_id: string | null;
    kind: string;
    payload: ColumnType<Record<string, unknown>, string, string>;
    run_at: Timestamp;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    locked_until: Date | null;
    last_error: string | null;
    done_at: Date | null;
    created_at: Timestamp;
  };
  mail_outbox: {
    id: Generated<string>;
    tenant_id: string | null;
    recipient: string;
    subject: string;
    body: string;
    attachments: ColumnType<MailAttachmentRow[], string | undefined, string>;
    created_at: Timestamp;
  };
  payments: {
    tenant_id: string;
    id: Generated<string>;
    case_id: string | null;
    purpose: string;
    description: string;
    amount_cents: number;
    currency: Generated<string>;
    status: Generated<'created' | 'pending' | 'paid' | 'failed' | 'cancelled' | 'refunded'>;
    provider: 'sandbox' | 'xbezahldienste';
    request_id: Generated<string>;
    provider_transaction_id: string | null;
    kassenzeichen: string | null;
    continue_path: string;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    paid_at: Date | null;
    refunded_at: Date | null;
    refund_reason: string | null;
    /** The service the payment is a fee of (for the finance export's account assignment), if any. */
    service_id: ColumnType<string | null, string | null | undefined, never>;
    /** When a case's fee is due: before handling or with the decision; null for a payment of no application. */
    fee_mode: ColumnType<'before' | 'after' | null, 'before' | 'after' | null | undefined, never>;
    /** The account whose postbox receives the confirmation; cleared only by retention. */
    notice_account_id: ColumnType<string | null, string | null | undefined, string | null>;
  };
  payment_events: {
    tenant_id: string;
    id: Generated<string>;
    payment_id: string;
    source: 'start' | 'notification' | 'status_query' | 'refund' | 'expiry';
    provider_status: string | null;
    amount_cents: number | null;
    currency: string | null;
    outcome: 'applied' | 'unchanged' | 'refused';
    new_status: 'created' | 'pending' | 'paid' | 'failed' | 'cancelled' | 'refunded' | null;
    detail: string | null;
    recorded_at: Generated<Date>;
  };
  payment_sandbox_transactions: {
    tenant_id: string;
    id: Generated<string>;
    request_id: string;
    purpose: string;
    description: string;
    amount_cents: number;
    currency: string;
    return_url: string;
    status: Generated<'INITIAL' | 'PAYED' | 'FAILED' | 'CANCELED' | 'REFUNDED'>;
    kassenzeichen: string | null;
    created_at: Generated<Date>;
    decided_at: Date | null;
  };
  /** A town's connection to its XBezahldienste payment service (ADR 0027); the client secret is in the environment. */
  xbezahldienste_settings: {
    tenant_id: string;
    base_url: string;
    originator_id: string;
    endpoint_id: string;
    token_url: string | null;
    client_id: string | null;
    pay_page_origin: string;
    updated_at: Generated<Date>;
  };
  /** A town's area for defect reports (ADR 0026): GeoJSON boundary and who is responsible outside it. */
  report_areas: { tenant_id: string; boundary: ColumnType<GeoJsonArea, string, string>; outside_notice: ColumnType<Localized | null, string | null, string | null>; blocked_words: ColumnType<string[], string[] | undefined, string[]>; retention_days: ColumnType<number, number | undefined, number> };
  report_streets: { tenant_id: string; id: Generated<string>; name: string; lat: number; lon: number };
  report_landmarks: { tenant_id: string; id: Generated<string>; name: string; description: string | null; lat: number; lon: number };
  report_categories: {
    tenant_id: string;
    id: Generated<string>;
    code: string;
    name: ColumnType<Localized, string, string>;
    description: ColumnType<Localized, string, string>;
    department_id: string;
    position: ColumnType<number, number | undefined, number>;
    active: ColumnType<boolean, boolean | undefined, boolean>;
    /** Extra questions (Open311 service attributes), see ReportAttribute. */
    attributes: ColumnType<unknown[], string | undefined, string>;
  };
  reports: {
    tenant_id: string;
    id: string;
    category_id: string;
    department_id: string;
    lat: number;
    lon: number;
    location_label: string | null;
    status: ColumnType<string, string | undefined, string>;
    public_comment: ColumnType<string | null, string | null | undefined, string | null>;
    /** The description as a clerk reviewed and released it; null until then. */
    public_description: ColumnType<string | null, string | null | undefined, string | null>;
    created_at: Timestamp;
    updated_at: Timestamp;
    /** public, held (waits for a clerk) or spam (never public). */
    moderation: ColumnType<string, string | undefined, string>;
    /** The report this one was merged into. */
    duplicate_of: ColumnType<string | null, never, string | null>;
  };
  report_details: {
    tenant_id: string; report_id: string; description: string; address: ColumnType<string | null, string | null, null>; reporter_email: ColumnType<string | null, string | null, null>; receipt_token_hash: string;
    /** Answers to the category's extra questions. */
    attributes: ColumnType<Record<string, string | string[]>, string | undefined, string>;
    /** Why the report was held for moderation. */
    held_for: ColumnType<string[], string[] | undefined, string[]>;
    /** The reporter's language (de, en): the mails about the report are written in it. */
    lang: ColumnType<string, string | undefined, never>;
    /** When retention removed what the reporter typed (the description is then empty). */
    redacted_at: ColumnType<Date | null, never, Date>;
  };
  /** Alerts on new public reports by category, street and/or box (ADR 0026); confirmed opt-in. */
  report_alerts: {
    tenant_id: string; id: Generated<string>; email: string; category_id: string | null; street_id: string | null;
    min_lat: number | null; min_lon: number | null; max_lat: number | null; max_lon: number | null;
    lang: ColumnType<string, string | undefined, never>; created_at: Generated<Date>; confirmed_at: Date | null;
  };
  /** SHA-256 of each alert mail's token (confirm or unsubscribe). */
  report_alert_tokens: { token_hash: string; tenant_id: string; alert_id: string; created_at: Generated<Date> };
  /** The one "is it really fixed?" question per report, four weeks after done: token hash and answer. */
  report_follow_ups: { tenant_id: string; report_id: string; token_hash: string; sent_at: Generated<Date>; answered_at: Date | null; fixed: boolean | null };
  /** A town's map tiles and their attribution (ADR 0026); without a row the OpenStreetMap default. */
  report_map_settings: { tenant_id: string; tile_url: string; attribution: string; updated_at: Generated<Date> };
  /** Systems that may post reports through Open311 (ADR 0026); only the key's SHA-256 is stored. */
  open311_clients: { tenant_id: string; id: Generated<string>; name: string; key_hash: string; requests_per_hour: ColumnType<number, number | undefined, number>; created_at: Generated<Date>; revoked_at: Date | null; moderated: ColumnType<boolean, boolean | undefined, boolean> };
  /** Reports posted through Open311: by which client, and their spec token. */
  open311_requests: { tenant_id: string; report_id: string; client_id: string; token: Generated<string>; created_at: Generated<Date> };
  report_photos: {
    tenant_id: string;
    report_id: string;
    position: number;
    sha256: string;
    thumbnail_sha256: string;
    width: number;
    height: number;
    released: ColumnType<boolean, boolean | undefined, boolean>;
  };
  report_supports: { tenant_id: string; report_id: string; supporter_hash: string; created_at: Timestamp };
  /** The back office history of a report: status changes, internal notes, releases, reassignments. */
  report_events: { tenant_id: string; id: Generated<string>; report_id: string; occurred_at: Generated<Date>; staff_id: string | null; kind: string; details: ColumnType<Record<string, unknown>, string | undefined, never> };
  /** SHA-256 of the unsubscribe token of each status mail sent to a reporter. */
  report_mail_tokens: { token_hash: string; tenant_id: string; report_id: string; created_at: Timestamp };
  /** Reports whose reporter asked for no further mails. */
  report_mail_stops: { tenant_id: string; report_id: string; stopped_at: Timestamp };
  schema_migrations: { name: string; checksum: string; applied_at: Timestamp };
  appointment_locations: {
    tenant_id: string;
    id: Generated<string>;
    department_id: string;
    name: string;
    address: string;
    accessibility: ColumnType<string, string | undefined, string>;
    holiday_region: ColumnType<string, string | undefined, string>;
    horizon_days: number;
    lead_minutes: number;
    slot_minutes: number;
    deactivated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
    created_at: Generated<Date>;
    /** The letter of the location's tickets (A-017). */
    ticket_letter: ColumnType<string, string | undefined, string>;
    /** When the day entering the horizon opens for booking; null: at midnight. */
    release_time: ColumnType<string | null, string | null | undefined, string | null>;
    /** Days after an appointment its contact data is deleted. */
    contact_retention_days: ColumnType<number, number | undefined, number>;
  };
  appointment_resources: {
    tenant_id: string;
    id: Generated<string>;
    location_id: string;
    name: string;
    deactivated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  appointment_location_services: {
    tenant_id: string;
    location_id: string;
    service_id: string;
    minutes: number;
    minutes_per_extra_person: number;
    max_persons: number;
  };
  /** Wall-clock times 'HH:MM:SS' (PostgreSQL time), Europe/Berlin. */
  appointment_opening_hours: { tenant_id: string; location_id: string; weekday: number; opens: string; closes: string };
  /** Days; the repository selects them as 'YYYY-MM-DD' text (drivers differ on dates). */
  appointment_closures: { tenant_id: string; id: Generated<string>; location_id: string; first_day: ColumnType<string, string, string>; last_day: ColumnType<string, string, string>; reason: string };
  appointment_bookings: {
    tenant_id: string;
    id: Generated<string>;
    location_id: string;
    resource_id: string;
    /** A tstzrange literal '[start,end)'. */
    span: string;
    services: ColumnType<{ serviceId: string; persons: number }[], string, string>;
    status: 'held' | 'confirmed' | 'cancelled' | 'expired';
    hold_expires_at: Date | null;
    created_at: Generated<Date>;
    confirmed_at: Date | null;
    cancelled_at: Date | null;
    /** SHA-256 of the confirmation link's token, set when the mail is sent. */
    confirm_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
    /** The calendar entry's uid: the first booking's id, kept when the appointment is rescheduled; null = own id. */
    calendar_uid: ColumnType<string | null, string | null | undefined, never>;
    /** How often the calendar entry was revised (ICS SEQUENCE). */
    calendar_sequence: ColumnType<number, number | undefined, never>;
    /** The booking a rescheduled (cancelled) booking was replaced by. */
    rescheduled_to: ColumnType<string | null, undefined, string>;
    arrived_at: ColumnType<Date | null, undefined, Date | null>;
    no_show_at: ColumnType<Date | null, undefined, Date | null>;
    /** The counter block that made the office cancel this booking. */
    cancelled_by_block: ColumnType<string | null, undefined, string>;
  };
  appointment_booking_contacts: { tenant_id: string; booking_id: string; department_id: string; name: string; email: string; language: 'de' | 'en' };
  /** SHA-256 of the tokens of a booking's management links (cancel, reschedule). */
  appointment_manage_tokens: { tenant_id: string; token_hash: string; booking_id: string; created_at: Generated<Date> };
  /** A ticket of a location's queue of one day (check-in or walk-in), called to a counter. */
  appointment_tickets: {
    tenant_id: string;
    id: Generated<string>;
    location_id: string;
    department_id: string;
    /** 'YYYY-MM-DD', the Europe/Berlin day. */
    day: ColumnType<string, string, never>;
    number: number;
    booking_id: string | null;
    status: ColumnType<'waiting' | 'called' | 'done', 'waiting' | undefined, 'called' | 'done'>;
    resource_id: string | null;
    called_at: Date | null;
    done_at: Date | null;
    created_at: Generated<Date>;
  };
  /** A place on a location's waiting list (no personal data; see appointment_waitlist_contacts). */
  appointment_waitlist_entries: {
    tenant_id: string;
    id: Generated<string>;
    location_id: string;
    department_id: string;
    services: ColumnType<{ serviceId: string; persons: number }[], string, string>;
    status: ColumnType<'unconfirmed' | 'waiting' | 'offered' | 'booked' | 'lapsed' | 'left', undefined, 'waiting' | 'offered' | 'booked' | 'lapsed' | 'left'>;
    optin_token_hash: ColumnType<string | null, undefined, string | null>;
    leave_token_hash: ColumnType<string | null, undefined, string | null>;
    created_at: Generated<Date>;
    joined_at: ColumnType<Date | null, undefined, Date>;
    offered_booking_id: ColumnType<string | null, undefined, string | null>;
    offer_expires_at: ColumnType<Date | null, undefined, Date | null>;
    ended_at: ColumnType<Date | null, undefined, Date>;
  };
  appointment_waitlist_contacts: { tenant_id: string; entry_id: string; department_id: string; name: string; email: string; language: 'de' | 'en' };
  /** A counter taken out of service for a span by the location's staff. */
  appointment_counter_blocks: {
    tenant_id: string;
    id: Generated<string>;
    location_id: string;
    resource_id: string;
    department_id: string;
    /** A tstzrange literal '[start,end)'. */
    span: string;
    reason: string;
    created_at: Generated<Date>;
  };
}

/** A town's public profile: letterhead, contact and the texts of its legal pages. */
export interface TenantProfile {
  shortName?: string;
  address: { street: string; postcode: string; city: string };
  phone: string;
  email: string;
  website: string;
  /** The administrative court for the town's decisions with its address, as a legal remedy notice names it, e.g. "Verwaltungsgericht Düsseldorf, Bastionstraße 39, 40213 Düsseldorf". */
  administrativeCourt?: string;
  legal: { impressum: Localized; privacy: Localized; accessibility: Localized };
  /** Tax tariffs from the town's statutes, in cents per year. */
  taxes?: { dog?: { firstDog: number; furtherDog: number; dangerousDog: number } };
}

/** How citizens reach a department. */
export interface DepartmentContact {
  email: string;
  phone: string;
  room?: string;
  hours?: Localized;
}

/** A GeoJSON area in WGS 84 longitude/latitude order, as turf reads it. */
export type GeoJsonArea = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
