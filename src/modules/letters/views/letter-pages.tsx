import { berlinMidnight, formatDate, localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, ChoiceField, CsrfField, ErrorSummary, inputId, SelectField, SummaryList, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { LetterValueDefinition } from '../letter-template.js';
import type { ComposedLetter, Run } from '../letter-text.js';
import { valueInputName } from '../letter-values.js';
import type { CaseDocument } from '../letters.service.js';
import { t } from '../letters.i18n.js';

function Runs(props: { runs: Run[] }) {
  return (
    <>
      {props.runs.map((r, i) => {
        const text = r.missing ? <mark class="letter-missing">{r.text}</mark> : r.text;
        return r.bold ? <strong key={i}>{text}</strong> : <span key={i}>{text}</span>;
      })}
    </>
  );
}

/** A letter rendered as HTML (the preview), in German as the letter is; open placeholders are marked. */
export function LetterView(props: { letter: ComposedLetter; reference: string; date: Date; lang: Lang }) {
  const { letter } = props;
  return (
    <article class="letter-preview" aria-label={t(props.lang, 'previewLabel')} lang="de">
      <p class="kern-body">
        {letter.recipient.map((line, i) => <span key={i}><Runs runs={line} /><br /></span>)}
      </p>
      <h3 class="kern-heading-medium">{letter.title}</h3>
      <p class="kern-body kern-body--small">{`Aktenzeichen: ${props.reference} · Dokumentnummer: ${t('de', 'numberOnIssue')} · Datum: ${formatDate(props.date, 'de')}`}</p>
      {letter.blocks.map((block, i) => {
        if (block.kind === 'heading') return <h4 class="kern-heading-small" key={i}><Runs runs={block.runs} /></h4>;
        if (block.kind === 'paragraph') return <p class="kern-body preserve-lines" key={i}><Runs runs={block.runs} /></p>;
        return <ul class="kern-list" key={i}>{block.items.map((item, j) => <li class="preserve-lines" key={j}><Runs runs={item} /></li>)}</ul>;
      })}
    </article>
  );
}

/** How a document reached (or must reach) the applicant. */
export function deliveryText(lang: Lang, d: CaseDocument): string {
  if (d.delivery === 'online') return t(lang, 'deliveredOnline');
  if (d.delivery === 'postbox') return t(lang, 'deliveredToPostbox');
  return d.postedOn ? t(lang, 'postedOn', { date: formatDate(berlinMidnight(d.postedOn), lang) }) : t(lang, 'postRequired');
}

/** One document of the case file: number, date, delivery, fingerprint and downloads. */
function DocumentSummary(props: { lang: Lang; document: CaseDocument; downloadBase: string; headingLevel: 'h3' | 'h4' }) {
  const { lang, document: d } = props;
  const Heading = props.headingLevel;
  const base = `${props.downloadBase}/${d.id}`;
  return (
    <section class="case-document" id={`dokument-${d.id}`} aria-labelledby={`dokument-${d.id}-titel`}>
      <Heading class="kern-heading-small" id={`dokument-${d.id}-titel`}>{`${d.title} – ${d.number}`}</Heading>
      <SummaryList
        lang={lang}
        rows={[
          { key: t(lang, 'date'), value: formatDate(d.deliveredAt, lang) },
          { key: t(lang, 'delivery'), value: d.delivery === 'post' && !d.postedOn ? <strong>{deliveryText(lang, d)}</strong> : deliveryText(lang, d) },
          ...(d.supersedes ? [{ key: t(lang, 'supersedesRow'), value: d.supersedes.number }] : []),
          ...(d.supersededBy ? [{ key: t(lang, 'supersededByRow'), value: d.supersededBy.number }] : []),
          { key: t(lang, 'fingerprint'), value: <code class="fingerprint">{d.fingerprint}</code> },
        ]}
      />
      <p class="kern-body">
        <a class="kern-link" href={`${base}/bescheid.pdf`}>{t(lang, 'downloadPdf')}<span class="sr-only">{` ${d.number}`}</span></a>
        {' · '}
        <a class="kern-link" href={`${base}/prueftext.txt`}>{t(lang, 'downloadCheckText')}<span class="sr-only">{` ${d.number}`}</span></a>
      </p>
    </section>
  );
}

/** The case file (E-Akte) section for the case page: receipt, uploads and letters, with a link to the letters page. */
export function CaseDocumentsSection(props: { lang: Lang; caseId: string; files: Array<{ id: string; filename: string; size: number }>; documents: CaseDocument[] }) {
  const { lang, caseId } = props;
  const casePath = `/verwaltung/vorgaenge/${caseId}`;
  return (
    <section aria-labelledby="e-akte">
      <h2 class="kern-heading-large" id="e-akte">{t(lang, 'caseFileTitle')}</h2>
      <p class="kern-body"><a class="kern-link" href={`${casePath}/eingang.pdf`}>{t(lang, 'receiptPdf')}</a></p>
      <h3 class="kern-heading-medium">{t(lang, 'uploads')}</h3>
      {props.files.length === 0 ? <p class="kern-body">{t(lang, 'noUploads')}</p> : (
        <ul class="kern-list">
          {props.files.map((f) => <li key={f.id}><a class="kern-link" href={`${casePath}/dateien/${f.id}`}>{`${f.filename} (${Math.ceil(f.size / 1024)} KB)`}</a></li>)}
        </ul>
      )}
      <h3 class="kern-heading-medium">{t(lang, 'letters')}</h3>
      {props.documents.length === 0 && <p class="kern-body">{t(lang, 'noLetters')}</p>}
      {props.documents.map((d) => <DocumentSummary key={d.id} lang={lang} document={d} downloadBase={`${casePath}/bescheide`} headingLevel="h4" />)}
      <p class="kern-body"><a class="kern-link" href={`${casePath}/bescheide`}>{t(lang, 'toLetters')}</a></p>
    </section>
  );
}

/** The letter form with its preview, for a chosen template. */
export interface LetterDraft {
  template: { id: string; title: string; values: LetterValueDefinition[] };
  raw: Record<string, string>;
  supersedesId: string;
  errors: FieldErrors;
  letter: ComposedLetter;
  /** Messages for the placeholders that are still open. */
  missing: string[];
  /** How the letter will be delivered, and to which address the status-link notice goes. */
  delivery: CaseDocument['delivery'];
  applicantEmail: string | undefined;
}

/** The letters of a case: those issued (with the posting marker where needed) and the form for a new one. */
export function LettersPage(props: {
  ctx: PageContext;
  caseId: string;
  reference: string;
  version: number;
  documents: CaseDocument[];
  templates: Array<{ id: string; title: string }>;
  serviceHasTemplates: boolean;
  mayIssue: boolean;
  chosenTemplateId: string;
  draft?: LetterDraft;
  alert?: string;
  posting?: { documentId: string; value: string; error: string };
}) {
  const { lang } = props.ctx;
  const base = `/verwaltung/vorgaenge/${props.caseId}/bescheide`;
  const draft = props.draft;
  const today = formatDate(new Date(), 'de');
  const supersedable = props.documents.filter((d) => !d.supersededBy);
  const errors = { ...draft?.errors, ...(props.posting ? { [`versandtAm.${props.posting.documentId}`]: props.posting.error } : {}) };
  return (
    <Layout ctx={props.ctx} title={`${Object.keys(errors).length > 0 || props.alert ? `${t(lang, 'notSaved')}: ` : ''}${t(lang, 'lettersTitle', { reference: props.reference })}`}>
      <p class="kern-body"><a class="kern-link" href={`/verwaltung/vorgaenge/${props.caseId}`}>{t(lang, 'backToCase')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'lettersTitle', { reference: props.reference })}</h1>
      <ErrorSummary errors={errors} lang={lang} />
      {props.alert && <Alert kind="danger" title={t(lang, 'notSaved')}><p class="kern-body">{props.alert}</p></Alert>}

      <h2 class="kern-heading-large">{t(lang, 'issuedLetters')}</h2>
      {props.documents.length === 0 && <p class="kern-body">{t(lang, 'noLetters')}</p>}
      {props.documents.map((d) => (
        <div key={d.id}>
          <DocumentSummary lang={lang} document={d} downloadBase={base} headingLevel="h3" />
          {d.delivery === 'post' && !d.postedOn && (
            <form method="post" action={`${base}/${d.id}/postversand`} class="narrow-form">
              <CsrfField token={props.ctx.csrfToken} />
              <TextField
                name={`versandtAm.${d.id}`}
                label={t(lang, 'postedOnLabel')}
                hint={t(lang, 'dateHint')}
                value={props.posting?.documentId === d.id ? props.posting.value : today}
                error={props.posting?.documentId === d.id ? props.posting.error : undefined}
                lang={lang}
                width="short"
              />
              <Button variant="secondary">{t(lang, 'recordPosting')}<span class="sr-only">{` ${d.number}`}</span></Button>
            </form>
          )}
        </div>
      ))}

      <h2 class="kern-heading-large">{t(lang, 'newLetter')}</h2>
      {!props.serviceHasTemplates ? <p class="kern-body">{t(lang, 'noTemplates')}</p>
        : !props.mayIssue ? <p class="kern-body">{t(lang, 'notAllowedHint')}</p>
        : props.templates.length === 0 ? <p class="kern-body">{t(lang, 'noFittingTemplates')}</p>
        : (
          <form method="get" action={base} class="letter-template-choice">
            <ChoiceField name="vorlage" kind="radio" label={t(lang, 'template')} lang={lang} selected={[props.chosenTemplateId]} options={props.templates.map((tpl) => ({ value: tpl.id, label: tpl.title }))} />
            <Button variant="secondary">{t(lang, 'chooseTemplate')}</Button>
          </form>
        )}

      {draft && props.mayIssue && (
        <>
          <form method="post" action={base} class="letter-form">
            <CsrfField token={props.ctx.csrfToken} />
            <input type="hidden" name="version" value={String(props.version)} />
            <input type="hidden" name="vorlage" value={draft.template.id} />
            {draft.template.values.length > 0 && <h3 class="kern-heading-medium">{t(lang, 'valuesHeading')}</h3>}
            {draft.template.values.map((v) => (
              <TextField
                key={v.name}
                name={valueInputName(v.name)}
                label={localize(v.label, lang)}
                hint={v.hint ? localize(v.hint, lang) : v.type === 'date' ? t(lang, 'dateHint') : undefined}
                value={draft.raw[valueInputName(v.name)] ?? ''}
                error={draft.errors[valueInputName(v.name)]}
                lang={lang}
                multiline={v.type === 'multiline'}
                inputmode={v.type === 'money' ? 'decimal' : undefined}
                width={v.type === 'money' || v.type === 'date' ? 'short' : undefined}
                maxLength={v.type === 'multiline' ? 5000 : 300}
              />
            ))}
            {supersedable.length > 0 && (
              <SelectField
                name="ersetzt"
                label={t(lang, 'supersedesLabel')}
                hint={t(lang, 'supersedesHint')}
                value={draft.supersedesId}
                lang={lang}
                required={false}
                placeholder={t(lang, 'supersedesNone')}
                options={supersedable.map((d) => ({ value: d.id, label: `${d.number} – ${d.title}` }))}
              />
            )}
            <p class="kern-body">
              {draft.delivery === 'postbox' ? t(lang, 'deliveryToPostbox') : draft.delivery === 'online' ? t(lang, 'deliveryByMail', { email: draft.applicantEmail ?? '' }) : <strong>{t(lang, 'deliveryByPost')}</strong>}
            </p>
            <div class="form-actions">
              <Button variant="secondary" name="aktion" value="vorschau">{t(lang, 'updatePreview')}</Button>
              <Button name="aktion" value="erstellen">{t(lang, 'issue')}</Button>
            </div>
          </form>

          <h2 class="kern-heading-large" id={inputId('vorschau')}>{t(lang, 'previewHeading')}</h2>
          {draft.missing.length > 0 && (
            <Alert kind="warning" title={t(lang, 'missingTitle')}>
              <ul class="kern-list">{draft.missing.map((m) => <li key={m}>{m}</li>)}</ul>
            </Alert>
          )}
          <LetterView letter={draft.letter} reference={props.reference} date={new Date()} lang={lang} />
        </>
      )}
    </Layout>
  );
}
