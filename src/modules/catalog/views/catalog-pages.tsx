import { formatEuro, localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { Alert } from '../../../platform/views/components.js';
import { ServiceTrustLevelNote } from '../../accounts/index.js';
import type { CatalogEntry } from '../catalog.js';
import { lifeSituations, type LifeSituation } from '../service-definition.js';
import { lifeSituationNames, t } from '../catalog.i18n.js';

function SearchForm(props: { lang: Lang; q: string }) {
  return (
    <form method="get" action="/leistungen" role="search" class="search-form">
      <div class="kern-form-input">
        <label class="kern-label" for="q">{t(props.lang, 'searchLabel')}</label>
        <div class="kern-hint" id="q-hint">{t(props.lang, 'searchHint')}</div>
        <div class="search-form__row">
          <input class="kern-form-input__input" type="search" id="q" name="q" value={props.q} aria-describedby="q-hint" maxLength={200} />
          <button type="submit" class="kern-btn kern-btn--primary"><span class="kern-label">{t(props.lang, 'searchButton')}</span></button>
        </div>
      </div>
    </form>
  );
}

function LifeSituationLinks(props: { lang: Lang; current?: LifeSituation }) {
  return (
    <nav aria-labelledby="lebenslagen">
      <h2 class="kern-heading-medium" id="lebenslagen">{t(props.lang, 'lifeSituations')}</h2>
      <ul class="tile-list">
        {lifeSituations.map((s) => (
          <li key={s}>
            <a class="kern-link tile" href={`/leistungen?lebenslage=${s}`} aria-current={props.current === s ? 'page' : undefined}>
              {localize(lifeSituationNames[s], props.lang)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function MaturityBadge(props: { entry: CatalogEntry; lang: Lang }) {
  const m = props.entry.service.definition.maturity;
  const key = m === 'online' ? 'onlineAvailable' : m === 'appointment' ? 'appointmentOnly' : 'inPersonOnly';
  return <span class={`kern-badge ${m === 'online' ? 'kern-badge--success' : 'kern-badge--info'}`}><span class="kern-label kern-label--small">{t(props.lang, key)}</span></span>;
}

function ServiceList(props: { entries: CatalogEntry[]; lang: Lang }) {
  return (
    <ul class="service-list">
      {props.entries.map((e) => (
        <li key={e.service.definition.id} class="service-list__item">
          <h3 class="kern-heading-small">
            <a class="kern-link" href={`/leistungen/${e.service.definition.id}`}>{localize(e.service.definition.title, props.lang)}</a>
          </h3>
          <p class="kern-body">{localize(e.service.definition.summary, props.lang)}</p>
          <MaturityBadge entry={e} lang={props.lang} />
        </li>
      ))}
    </ul>
  );
}

/** The portal's start page: search and life situations. */
export function HomePage(props: { ctx: PageContext }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'homeTitle')}>
      <h1 class="kern-heading-x-large">{`${t(lang, 'homeTitle')} ${props.ctx.townName}`}</h1>
      <p class="kern-body kern-body--large">{t(lang, 'homeIntro')}</p>
      <SearchForm lang={lang} q="" />
      <LifeSituationLinks lang={lang} />
      <p class="kern-body"><a class="kern-link" href="/leistungen">{t(lang, 'allServices')}</a></p>
      <p class="kern-body"><a class="kern-link" href="/maengel">{t(lang, 'defectReports')}</a></p>
    </Layout>
  );
}

/** The list of services: everything, one life situation, or search results. */
export function ServiceListPage(props: { ctx: PageContext; entries: CatalogEntry[]; q: string; lifeSituation?: LifeSituation }) {
  const { lang } = props.ctx;
  const heading = props.q
    ? t(lang, 'resultsFor', { count: props.entries.length, q: props.q })
    : props.lifeSituation
      ? t(lang, 'servicesIn', { situation: localize(lifeSituationNames[props.lifeSituation], lang) })
      : t(lang, 'allServices');
  return (
    <Layout ctx={props.ctx} title={props.q ? heading : t(lang, 'servicesTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'servicesTitle')}</h1>
      <SearchForm lang={lang} q={props.q} />
      <h2 class="kern-heading-medium" aria-live="polite">{heading}</h2>
      {props.entries.length === 0 ? (
        <p class="kern-body">{t(lang, 'noResults', { q: props.q })}</p>
      ) : (
        <ServiceList entries={props.entries} lang={lang} />
      )}
      {(props.q || props.lifeSituation) && <p class="kern-body"><a class="kern-link" href="/leistungen">{t(lang, 'showAll')}</a></p>}
      <LifeSituationLinks lang={lang} current={props.lifeSituation} />
    </Layout>
  );
}

/** Everything a citizen needs to know about one service, and the way to apply. */
export function ServicePage(props: { ctx: PageContext; entry: CatalogEntry; related: CatalogEntry[]; bookable?: boolean }) {
  const { lang } = props.ctx;
  const d = props.entry.service.definition;
  const dept = props.entry.department;
  return (
    <Layout ctx={props.ctx} title={localize(d.title, lang)}>
      <h1 class="kern-heading-x-large">{localize(d.title, lang)}</h1>
      <p class="kern-body kern-body--large">{localize(d.summary, lang)}</p>
      <MaturityBadge entry={props.entry} lang={lang} />
      <p class="kern-body">{localize(d.description, lang)}</p>
      {d.form ? (
        <>
          {d.minimumTrustLevel && <ServiceTrustLevelNote lang={lang} level={d.minimumTrustLevel} />}
          <p><a class="kern-btn kern-btn--primary" href={`/leistungen/${d.id}/antrag`}><span class="kern-label">{t(lang, 'applyOnline')}</span></a></p>
        </>
      ) : (
        <Alert kind="info" title={t(lang, d.maturity === 'appointment' ? 'appointmentOnly' : 'inPersonOnly')}>
          <p class="kern-body">{t(lang, d.maturity === 'appointment' ? 'appointmentHint' : 'inPersonHint')}</p>
        </Alert>
      )}
      {props.bookable && (
        <p><a class={`kern-btn kern-btn--${d.form ? 'secondary' : 'primary'}`} href={`/termine?leistung=${d.id}`}><span class="kern-label">{t(lang, 'bookAppointment')}</span></a></p>
      )}
      {d.whoMayApply && (
        <section aria-labelledby="wer"><h2 class="kern-heading-medium" id="wer">{t(lang, 'whoMayApply')}</h2><p class="kern-body">{localize(d.whoMayApply, lang)}</p></section>
      )}
      {d.requiredDocuments.length > 0 && (
        <section aria-labelledby="unterlagen">
          <h2 class="kern-heading-medium" id="unterlagen">{t(lang, 'requiredDocuments')}</h2>
          <ul class="kern-list kern-list--bullet">{d.requiredDocuments.map((doc, i) => <li key={i}>{localize(doc, lang)}</li>)}</ul>
        </section>
      )}
      <section aria-labelledby="gebuehren">
        <h2 class="kern-heading-medium" id="gebuehren">{t(lang, 'fees')}</h2>
        {d.fees.length === 0 ? <p class="kern-body">{t(lang, 'noFees')}</p> : (
          <ul class="kern-list">{d.fees.map((f, i) => <li key={i}>{`${localize(f.label, lang)}: ${formatEuro(f.amountCents, lang)}`}</li>)}</ul>
        )}
        {d.feeNote && <p class="kern-body">{localize(d.feeNote, lang)}</p>}
      </section>
      {d.processingTime && (
        <section aria-labelledby="dauer">
          <h2 class="kern-heading-medium" id="dauer">{t(lang, 'processingTime')}</h2>
          <p class="kern-body">{d.processingTime.text ? localize(d.processingTime.text, lang) : t(lang, 'processingDays', { days: d.processingTime.days })}</p>
        </section>
      )}
      {d.legalBasis.length > 0 && (
        <section aria-labelledby="recht">
          <h2 class="kern-heading-medium" id="recht">{t(lang, 'legalBasis')}</h2>
          <ul class="kern-list kern-list--bullet">{d.legalBasis.map((l, i) => <li key={i}>{localize(l, lang)}</li>)}</ul>
        </section>
      )}
      <section aria-labelledby="zustaendig">
        <h2 class="kern-heading-medium" id="zustaendig">{t(lang, 'responsible')}</h2>
        <p class="kern-body kern-body--bold">{localize(dept.name, lang)}</p>
        <ul class="kern-list">
          <li>{`${t(lang, 'phone')}: `}<a class="kern-link" href={`tel:${dept.contact.phone.replace(/[^+\d]/g, '')}`}>{dept.contact.phone}</a></li>
          <li>{`${t(lang, 'email')}: `}<a class="kern-link" href={`mailto:${dept.contact.email}`}>{dept.contact.email}</a></li>
          {dept.contact.room && <li>{`${t(lang, 'room')}: ${dept.contact.room}`}</li>}
          {dept.contact.hours && <li>{`${t(lang, 'hours')}: ${localize(dept.contact.hours, lang)}`}</li>}
        </ul>
      </section>
      {props.related.length > 0 && (
        <section aria-labelledby="verwandt">
          <h2 class="kern-heading-medium" id="verwandt">{t(lang, 'related')}</h2>
          <ul class="kern-list">{props.related.map((r) => <li key={r.service.definition.id}><a class="kern-link" href={`/leistungen/${r.service.definition.id}`}>{localize(r.service.definition.title, lang)}</a></li>)}</ul>
        </section>
      )}
      {d.leikaKey && <p class="kern-body kern-body--small">{`${t(lang, 'leikaKey')}: ${d.leikaKey}`}</p>}
    </Layout>
  );
}
