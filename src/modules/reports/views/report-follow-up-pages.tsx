import { formatDate, localize } from '../../../platform/i18n/i18n.js';
import { Button, CsrfField } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { reportsPath } from '../report.js';
import type { FollowUp } from '../report-follow-up.js';
import { t } from '../report-follow-up.i18n.js';

/**
 * The follow-up question's page: two buttons (a link scanner's GET answers nothing) until it is
 * answered, then the thanks for the answer given.
 */
export function FollowUpPage(props: { ctx: PageContext; action: string; followUp: FollowUp }) {
  const { lang } = props.ctx;
  const { report, fixed } = props.followUp;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'title')}>
      <h1 class="kern-heading-x-large">{t(lang, 'title')}</h1>
      <p class="kern-body">{t(lang, 'intro', { category: localize(report.category.name, lang), date: formatDate(report.createdAt, lang) })}</p>
      {fixed === null ? (
        <form method="post" action={props.action}>
          <CsrfField token={props.ctx.csrfToken} />
          <Button name="antwort" value="ja">{t(lang, 'yes')}</Button>{' '}
          <Button name="antwort" value="nein" variant="secondary">{t(lang, 'no')}</Button>
        </form>
      ) : <p class="kern-body" role="status">{t(lang, fixed ? 'thanksFixed' : 'thanksReopened')}</p>}
      <p class="kern-body"><a class="kern-link" href={`${reportsPath}/${report.id}`}>{t(lang, 'reportLink')}</a></p>
    </Layout>
  );
}
