import type { ComponentChildren } from 'preact';
import type { Lang } from '../i18n/i18n.js';
import { t } from './views.i18n.js';

/** Validation messages keyed by input name. */
export type FieldErrors = Record<string, string>;

/** The id of the input for a field name; error summary links point at it. */
export function inputId(name: string): string {
  return `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

/** Lists every error at the top of the form, each linking to its input (WCAG 3.3.1). */
export function ErrorSummary(props: { errors: FieldErrors; lang: Lang }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="kern-alert kern-alert--danger error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <div class="kern-alert__header">
        <span class="kern-icon kern-icon--danger" aria-hidden="true"></span>
        <h2 class="kern-title" id="error-summary-title">{t(props.lang, 'errorSummaryTitle')}</h2>
      </div>
      <div class="kern-alert__body">
        <ul class="kern-list">
          {entries.map(([name, message]) => (
            <li key={name}><a class="kern-link" href={`#${inputId(name)}`}>{message}</a></li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Hidden CSRF token for every state-changing form. */
export function CsrfField(props: { token: string | undefined }) {
  return props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;
}

function describedBy(name: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${inputId(name)}-hint` : '', error ? `${inputId(name)}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Hint(props: { name: string; hint?: string }) {
  return props.hint ? <div class="kern-hint" id={`${inputId(props.name)}-hint`}>{props.hint}</div> : null;
}

function ErrorMessage(props: { name: string; error?: string }) {
  if (!props.error) return null;
  return (
    <p class="kern-error" id={`${inputId(props.name)}-error`}>
      <span class="kern-icon kern-icon--danger" aria-hidden="true"></span>
      <span>{props.error}</span>
    </p>
  );
}

function Label(props: { name: string; label: string; required: boolean; lang: Lang }) {
  return (
    <label class="kern-label" for={inputId(props.name)}>
      {props.label}
      {!props.required && <span class="kern-label__optional"> {t(props.lang, 'optional')}</span>}
    </label>
  );
}

/** A labelled single-line or multi-line input with hint and error message. */
export function TextField(props: {
  name: string;
  label: string;
  value: string;
  lang: Lang;
  required?: boolean;
  hint?: string;
  error?: string;
  type?: 'text' | 'email' | 'tel' | 'date' | 'number' | 'search' | 'password';
  multiline?: boolean;
  autocomplete?: string;
  inputmode?: 'numeric' | 'decimal' | 'email' | 'tel' | 'text';
  maxLength?: number;
  width?: 'short' | 'medium';
}) {
  const required = props.required ?? true;
  const common = {
    id: inputId(props.name),
    name: props.name,
    'aria-describedby': describedBy(props.name, props.hint, props.error),
    'aria-invalid': props.error ? ('true' as const) : undefined,
    'aria-required': required ? ('true' as const) : undefined,
    autocomplete: props.autocomplete,
    maxLength: props.maxLength,
  };
  const inputClass = `kern-form-input__input${props.error ? ' kern-form-input__input--error' : ''}${props.width === 'short' ? ' kern-form-input__input--width-4' : ''}`;
  return (
    <div class={`kern-form-input${props.error ? ' kern-form-input--error' : ''}`}>
      <Label name={props.name} label={props.label} required={required} lang={props.lang} />
      <Hint name={props.name} hint={props.hint} />
      <ErrorMessage name={props.name} error={props.error} />
      {props.multiline ? (
        <textarea class={inputClass} rows={6} {...common}>{props.value}</textarea>
      ) : (
        <input class={inputClass} type={(props.type ?? 'text') as 'text'} value={props.value} inputMode={props.inputmode} {...common} />
      )}
    </div>
  );
}

/** A labelled drop-down list. */
export function SelectField(props: {
  name: string;
  label: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  lang: Lang;
  required?: boolean;
  hint?: string;
  error?: string;
  placeholder: string;
}) {
  const required = props.required ?? true;
  return (
    <div class={`kern-form-input${props.error ? ' kern-form-input--error' : ''}`}>
      <Label name={props.name} label={props.label} required={required} lang={props.lang} />
      <Hint name={props.name} hint={props.hint} />
      <ErrorMessage name={props.name} error={props.error} />
      <div class="kern-form-input__select-wrapper">
        <select
          class={`kern-form-input__select${props.error ? ' kern-form-input__select--error' : ''}`}
          id={inputId(props.name)}
          name={props.name}
          aria-describedby={describedBy(props.name, props.hint, props.error)}
          aria-invalid={props.error ? 'true' : undefined}
          aria-required={required ? 'true' : undefined}
        >
          <option value="">{props.placeholder}</option>
          {props.options.map((o) => (
            <option key={o.value} value={o.value} selected={o.value === props.value}>{o.label}</option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** Radio buttons or checkboxes in a fieldset whose legend is the question. */
export function ChoiceField(props: {
  name: string;
  label: string;
  kind: 'radio' | 'checkbox';
  options: Array<{ value: string; label: string }>;
  selected: readonly string[];
  lang: Lang;
  required?: boolean;
  hint?: string;
  error?: string;
  inline?: boolean;
}) {
  const required = props.required ?? true;
  const control = props.kind === 'radio' ? 'kern-form-check__radio' : 'kern-form-check__checkbox';
  return (
    <fieldset
      class={`kern-fieldset${props.error ? ' kern-fieldset--error' : ''}`}
      id={inputId(props.name)}
      aria-describedby={describedBy(props.name, props.hint, props.error)}
      tabindex={-1}
    >
      <legend class="kern-label">
        {props.label}
        {!required && <span class="kern-label__optional"> {t(props.lang, 'optional')}</span>}
      </legend>
      <Hint name={props.name} hint={props.hint} />
      <ErrorMessage name={props.name} error={props.error} />
      <div class={`kern-fieldset__body${props.inline ? ' kern-fieldset__body--horizontal' : ''}`}>
        {props.options.map((o, i) => {
          const id = `${inputId(props.name)}-${i}`;
          return (
            <div class="kern-form-check" key={o.value}>
              <input
                class={`${control}${props.error ? ` ${control}--error` : ''}`}
                type={props.kind}
                id={id}
                name={props.name}
                value={o.value}
                checked={props.selected.includes(o.value)}
              />
              <label class="kern-label" for={id}>{o.label}</label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** A primary, secondary or tertiary button; name/value let one form carry several actions. */
export function Button(props: { children: ComponentChildren; variant?: 'primary' | 'secondary' | 'tertiary'; name?: string; value?: string; formnovalidate?: boolean }) {
  return (
    <button type="submit" class={`kern-btn kern-btn--${props.variant ?? 'primary'}`} name={props.name} value={props.value} formNoValidate={props.formnovalidate}>
      <span class="kern-label">{props.children}</span>
    </button>
  );
}

/** An alert box (info, success, warning, danger) with a title. */
export function Alert(props: { kind: 'info' | 'success' | 'warning' | 'danger'; title: string; children?: ComponentChildren }) {
  return (
    <div class={`kern-alert kern-alert--${props.kind}`} role={props.kind === 'danger' ? 'alert' : 'status'}>
      <div class="kern-alert__header">
        <span class={`kern-icon kern-icon--${props.kind}`} aria-hidden="true"></span>
        <span class="kern-title">{props.title}</span>
      </div>
      {props.children && <div class="kern-alert__body">{props.children}</div>}
    </div>
  );
}

/** Key/value rows, optionally each with a "change" link (check-your-answers). */
export function SummaryList(props: { rows: Array<{ key: string; value: ComponentChildren; changeHref?: string; changeLabel?: string }>; lang: Lang }) {
  return (
    <dl class="kern-description-list summary-list">
      {props.rows.map((row, i) => (
        <div class="kern-description-list-item" key={i}>
          <dt class="kern-description-list-item__key">{row.key}</dt>
          <dd class="kern-description-list-item__value">
            <span class="summary-list__value">{row.value}</span>
            {row.changeHref && (
              <a class="kern-link summary-list__change" href={row.changeHref}>
                {t(props.lang, 'change')}<span class="sr-only"> {row.changeLabel ?? row.key}</span>
              </a>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Paragraphs from plain text separated by blank lines (content files and legal pages). */
export function Paragraphs(props: { text: string }) {
  return <>{props.text.split(/\n\s*\n/).map((p, i) => <p class="kern-body" key={i}>{p.trim()}</p>)}</>;
}

/** A striped table that scrolls sideways on narrow screens (a focusable, named region for keyboards). */
export function Table(props: { label: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="kern-table-responsive" tabindex={0} role="region" aria-label={props.label}>
      <table class="kern-table kern-table--striped">
        <thead class="kern-table__header">
          <tr class="kern-table__row">{props.head.map((h) => <th scope="col" class="kern-table__header" key={h}>{h}</th>)}</tr>
        </thead>
        <tbody class="kern-table__body">{props.children}</tbody>
      </table>
    </div>
  );
}
