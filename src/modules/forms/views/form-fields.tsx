import { localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Button, ChoiceField, SelectField, TextField, inputId, type FieldErrors } from '../../../platform/views/components.js';
import type { FileRef, RawInput } from '../answers.js';
import { groupItemCount, safePickName } from '../answers.js';
import type { FieldDefinition, SimpleFieldDefinition } from '../form-definition.js';
import { t } from '../forms.i18n.js';

interface FieldProps {
  name: string;
  raw: RawInput;
  errors: FieldErrors;
  lang: Lang;
}

const str = (raw: RawInput, name: string) => {
  const v = raw[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};

/** Stored answers are ISO dates; citizens read and type them the German way. */
const germanDate = (value: string) => value.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3.$2.$1');

const mediaTypeNames: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

function SimpleField(props: FieldProps & { field: SimpleFieldDefinition }) {
  const { field, name, raw, errors, lang } = props;
  const label = localize(field.label, lang);
  const hint = field.hint && localize(field.hint, lang);
  const common = { name, label, lang, required: field.required, hint, error: errors[name] };
  switch (field.type) {
    case 'text':
      return <TextField {...common} value={str(raw, name)} maxLength={field.maxLength} />;
    case 'textarea':
      return <TextField {...common} value={str(raw, name)} multiline maxLength={field.maxLength} />;
    case 'number':
      return <TextField {...common} value={str(raw, name)} inputmode={field.integer ? 'numeric' : 'decimal'} width="short" />;
    case 'date':
      // A text field, not type="date": Chromium's date widget ignores the page language and turns an
      // impossible date such as 31.02.2020 into an empty value, so the citizen is told the field is
      // empty and loses what was typed. The server reads TT.MM.JJJJ.
      return <TextField {...common} hint={[hint, lang === 'de' ? 'Zum Beispiel 27.03.2024' : 'For example 27.03.2024'].filter(Boolean).join(' ')} value={germanDate(str(raw, name))} />;
    case 'email':
      return <TextField {...common} value={str(raw, name)} type="email" autocomplete="email" />;
    case 'phone':
      return <TextField {...common} value={str(raw, name)} type="tel" autocomplete="tel" />;
    case 'iban':
      return <TextField {...common} value={str(raw, name)} autocomplete="off" />;
    case 'postcode':
      return <TextField {...common} value={str(raw, name)} inputmode="numeric" autocomplete="postal-code" width="short" maxLength={5} />;
    case 'select':
      return <SelectField {...common} value={str(raw, name)} placeholder={t(lang, 'choose')} options={field.options.map((o) => ({ value: o.value, label: localize(o.label, lang) }))} />;
    case 'radio':
    case 'checkboxes': {
      const selected = ([] as string[]).concat(raw[name] ?? []);
      return <ChoiceField {...common} kind={field.type === 'radio' ? 'radio' : 'checkbox'} selected={selected} options={field.options.map((o) => ({ value: o.value, label: localize(o.label, lang) }))} />;
    }
    case 'yesno':
      return <ChoiceField {...common} kind="radio" inline selected={[str(raw, name)]} options={[{ value: 'yes', label: t(lang, 'yes') }, { value: 'no', label: t(lang, 'no') }]} />;
    case 'address':
      return (
        <fieldset class="kern-fieldset" id={`${inputId(name)}`} tabindex={-1}>
          <legend class="kern-label">{label}</legend>
          {hint && <div class="kern-hint">{hint}</div>}
          <div class="kern-fieldset__body address-field">
            <TextField name={`${name}.street`} label={t(lang, 'street')} lang={lang} value={str(raw, `${name}.street`)} error={errors[`${name}.street`]} autocomplete="address-line1" required={field.required} maxLength={100} />
            <TextField name={`${name}.houseNumber`} label={t(lang, 'houseNumber')} lang={lang} value={str(raw, `${name}.houseNumber`)} error={errors[`${name}.houseNumber`]} width="short" required={field.required} maxLength={20} />
            <TextField name={`${name}.postcode`} label={t(lang, 'postcode')} lang={lang} value={str(raw, `${name}.postcode`)} error={errors[`${name}.postcode`]} autocomplete="postal-code" inputmode="numeric" width="short" required={field.required} maxLength={5} />
            <TextField name={`${name}.city`} label={t(lang, 'city')} lang={lang} value={str(raw, `${name}.city`)} error={errors[`${name}.city`]} autocomplete="address-level2" required={field.required} maxLength={100} />
          </div>
        </fieldset>
      );
    case 'file':
      return null;
  }
}

type FileFieldDefinition = Extract<FieldDefinition, { type: 'file' }>;

/** A document of the signed-in applicant's document safe, as a file field may offer it. */
export interface SafeDocumentChoice { id: string; name: string; filename: string; size: number; mediaType: string }

/**
 * "Add from my documents": the documents of the applicant's safe that this field accepts, as
 * checkboxes posted with the step (a native disclosure, so it works without JavaScript). A picked
 * document is attached like an upload; the button only saves the picks without moving on.
 */
function SafeDocumentPicker(props: { field: FileFieldDefinition; documents: SafeDocumentChoice[]; lang: Lang }) {
  const { field, lang } = props;
  const name = safePickName(field.id);
  const fitting = props.documents.filter((d) => (field.accept as string[]).includes(d.mediaType) && d.size <= field.maxSizeMb * 1024 * 1024);
  return (
    <details class="safe-picker">
      <summary class="kern-link">{t(lang, 'safePickerSummary')}</summary>
      {fitting.length === 0 ? <p class="kern-body">{t(lang, 'safePickerNone')}</p> : (
        <>
          <ChoiceField
            name={name}
            label={t(lang, 'safePickerLegend', { label: localize(field.label, lang) })}
            kind="checkbox"
            lang={lang}
            // Not "(optional)" on a choice that is itself the optional way to fill the field.
            required
            selected={[]}
            options={fitting.map((d) => ({ value: d.id, label: `${d.name} (${d.filename}, ${mediaTypeNames[d.mediaType] ?? d.mediaType}, ${Math.ceil(d.size / 1024)} KB)` }))}
          />
          <Button variant="secondary" name="_action" value={`attach:${field.id}`} formnovalidate>{t(lang, 'safePickerAttach')}</Button>
        </>
      )}
    </details>
  );
}

/** A file field: the files uploaded so far (each removable), an input for more, and the document safe's picker when signed in. */
function FileField(props: { field: FileFieldDefinition; files: FileRef[]; errors: FieldErrors; lang: Lang; safeDocuments?: SafeDocumentChoice[] }) {
  const { field, files, lang } = props;
  const label = localize(field.label, lang);
  const error = props.errors[field.id];
  const hintId = `${inputId(field.id)}-hint`;
  const types = field.accept.map((a) => mediaTypeNames[a] ?? a).join(', ');
  return (
    <div class={`kern-form-input${error ? ' kern-form-input--error' : ''}`}>
      <label class="kern-label" for={inputId(field.id)}>
        {label}
        {!field.required && <span class="kern-label__optional"> (optional)</span>}
      </label>
      <div class="kern-hint" id={hintId}>
        {field.hint && <>{localize(field.hint, lang)} </>}
        {t(lang, 'fileHint', { types, max: field.maxSizeMb, count: field.maxFiles })}
      </div>
      {error && (
        <p class="kern-error" id={`${inputId(field.id)}-error`}>
          <span class="kern-icon kern-icon--danger" aria-hidden="true"></span>
          <span>{error}</span>
        </p>
      )}
      {files.length > 0 && (
        <ul class="kern-list file-list" aria-label={t(lang, 'uploadedFiles')}>
          {files.map((f) => (
            <li key={f.id}>
              <span>{`${f.filename} (${Math.ceil(f.size / 1024)} KB)`}</span>{' '}
              <button type="submit" class="kern-btn kern-btn--tertiary kern-btn--x-small" name="_action" value={`remove-file:${field.id}:${f.id}`} formNoValidate>
                <span class="kern-label">{t(lang, 'removeFile', { file: f.filename })}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {files.length < field.maxFiles && props.safeDocuments && props.safeDocuments.length > 0 && <SafeDocumentPicker field={field} documents={props.safeDocuments} lang={lang} />}
      {files.length < field.maxFiles && (
        <input
          class="kern-form-input__input file-input"
          type="file"
          id={inputId(field.id)}
          name={field.id}
          accept={field.accept.join(',')}
          multiple={field.maxFiles - files.length > 1}
          aria-describedby={[hintId, error ? `${inputId(field.id)}-error` : ''].filter(Boolean).join(' ')}
          aria-invalid={error ? 'true' : undefined}
        />
      )}
    </div>
  );
}

/** A repeatable group: one fieldset per item, each removable, and a button to add another. */
function GroupField(props: FieldProps & { field: Extract<FieldDefinition, { type: 'group' }> }) {
  const { field, raw, errors, lang } = props;
  const count = Math.max(groupItemCount(raw, field.id), field.min, 1);
  const itemLabel = localize(field.itemLabel, lang);
  return (
    <fieldset class="kern-fieldset group-field" id={inputId(field.id)} tabindex={-1}>
      <legend class="kern-label kern-label--large">{localize(field.label, lang)}</legend>
      {field.hint && <div class="kern-hint">{localize(field.hint, lang)}</div>}
      {errors[field.id] && <p class="kern-error"><span class="kern-icon kern-icon--danger" aria-hidden="true"></span><span>{errors[field.id]}</span></p>}
      {Array.from({ length: count }, (_, i) => (
        <fieldset class="kern-fieldset group-field__item" key={i}>
          <legend class="kern-label">{t(lang, 'itemHeading', { item: itemLabel, n: i + 1 })}</legend>
          <div class="kern-fieldset__body">
            {field.fields.map((sub) => <SimpleField key={sub.id} field={sub} name={`${field.id}.${i}.${sub.id}`} raw={raw} errors={errors} lang={lang} />)}
          </div>
          {count > field.min && (
            <Button variant="tertiary" name="_action" value={`remove:${field.id}:${i}`} formnovalidate>{t(lang, 'removeItem', { item: itemLabel, n: i + 1 })}</Button>
          )}
        </fieldset>
      ))}
      {count < field.max && <Button variant="secondary" name="_action" value={`add:${field.id}`} formnovalidate>{t(lang, 'addItem', { item: itemLabel })}</Button>}
    </fieldset>
  );
}

/**
 * Renders any field of a step from its definition. A field that depends on another answer of the
 * same step is always shown without JavaScript, so its hint says when it is needed.
 */
export function FormField(props: { field: FieldDefinition; raw: RawInput; files: Record<string, FileRef[]>; errors: FieldErrors; lang: Lang; conditionNote?: string; safeDocuments?: SafeDocumentChoice[] }) {
  const field: FieldDefinition = props.conditionNote
    ? { ...props.field, required: false, hint: { de: [props.conditionNote, props.field.hint && localize(props.field.hint, props.lang)].filter(Boolean).join(' ') } } as FieldDefinition
    : props.field;
  if (field.type === 'group') return <GroupField field={field} name={field.id} raw={props.raw} errors={props.errors} lang={props.lang} />;
  if (field.type === 'file') return <FileField field={field} files={props.files[field.id] ?? []} errors={props.errors} lang={props.lang} safeDocuments={props.safeDocuments} />;
  return <SimpleField field={field} name={field.id} raw={props.raw} errors={props.errors} lang={props.lang} />;
}
