import { formatDate, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField, SummaryList } from '../../../platform/views/components.js';
import { mayResend, type HandoffDelivery, type HandoffStatus } from '../handoff.js';
import { t } from '../handoff.i18n.js';

const statusKeys = { pending: 'statusPending', delivered: 'statusDelivered', failed: 'statusFailed', resent: 'statusResent' } as const satisfies Record<HandoffStatus, string>;

/** The case page's section on the hand-off to the specialist system; nothing when the case is not forwarded. */
export function CaseHandoffSection(props: { lang: Lang; caseId: string; csrfToken: string | undefined; deliveries: HandoffDelivery[] }) {
  const { lang } = props;
  if (props.deliveries.length === 0) return null;
  return (
    <section aria-labelledby="uebergabe">
      <h2 class="kern-heading-large" id="uebergabe">{t(lang, 'sectionTitle')}</h2>
      {props.deliveries.map((d) => (
        <div key={d.id}>
          <SummaryList
            lang={lang}
            rows={[
              { key: t(lang, 'status'), value: t(lang, statusKeys[d.status]) },
              ...(d.deliveredAt ? [{ key: t(lang, 'deliveredAt'), value: formatDate(d.deliveredAt, lang, true) }] : []),
              { key: t(lang, 'attempts'), value: String(d.attempts) },
              ...(d.lastAttemptAt
                ? [{ key: t(lang, 'lastAttempt'), value: d.httpStatus ? t(lang, 'httpStatus', { date: formatDate(d.lastAttemptAt, lang, true), status: d.httpStatus }) : t(lang, 'noResponse', { date: formatDate(d.lastAttemptAt, lang, true) }) }]
                : []),
              ...(d.error && d.status !== 'delivered' ? [{ key: t(lang, 'reason'), value: <span class="preserve-lines">{d.error}</span> }] : []),
              { key: t(lang, 'key'), value: <><code>{d.id}</code><br /><span class="kern-body kern-body--small">{t(lang, 'keyHint')}</span></> },
            ]}
          />
          {mayResend(d.status) && (
            <form method="post" action={`/verwaltung/vorgaenge/${props.caseId}/uebergabe/${d.id}/erneut-senden`}>
              <CsrfField token={props.csrfToken} />
              <p class="kern-body kern-body--small">{t(lang, 'resendHint')}</p>
              <Button variant="secondary">{t(lang, 'resend')}</Button>
            </form>
          )}
        </div>
      ))}
    </section>
  );
}

/** The text of a "handoff" entry in a case's history, for the case page's timeline. */
export function describeHandoffEvent(lang: Lang, details: Record<string, unknown>): string {
  switch (details.event) {
    case 'delivered':
      return t(lang, 'eventDelivered', { status: String(details.httpStatus ?? '') });
    case 'failed':
      return t(lang, 'eventFailed', { reason: String(details.reason ?? '') });
    default:
      return t(lang, 'eventResent');
  }
}
