import type { AddressValue, StepAnswers } from '../forms/answers.js';
import { stepDefinition, type StepDefinition } from '../forms/form-definition.js';
import type { PrefillSource } from '../forms/prefill.js';

/** The personal details an account keeps for its applications; every one optional. */
export interface ProfileDetails {
  givenName?: string;
  familyName?: string;
  /** YYYY-MM-DD. */
  birthDate?: string;
  address?: AddressValue;
  phone?: string;
}

/** An account's profile with its consent to prefill forms (null: none given, or withdrawn). */
export interface Profile extends ProfileDetails {
  prefillConsentAt: Date | null;
}

/** The language options of the profile form (the account's mails are written in the chosen one). */
const languages = [{ value: 'de', label: { de: 'Deutsch' } }, { value: 'en', label: { de: 'English' } }];

/**
 * The profile form as a step of the form engine: the same fields, German date input, address
 * and validation messages as every application form, and nothing to keep in step with them.
 */
export const profileStep: StepDefinition = stepDefinition.parse({
  id: 'profil',
  title: { de: 'Mein Profil', en: 'My profile' },
  fields: [
    { id: 'vorname', type: 'text', label: { de: 'Vorname', en: 'First name' }, maxLength: 100, required: false },
    { id: 'nachname', type: 'text', label: { de: 'Nachname', en: 'Last name' }, maxLength: 100, required: false },
    { id: 'geburtsdatum', type: 'date', label: { de: 'Geburtsdatum', en: 'Date of birth' }, notBefore: '1900-01-01', notAfter: 'today', required: false },
    {
      id: 'anschrift', type: 'address', label: { de: 'Anschrift', en: 'Address' }, required: false,
      hint: { de: 'Ganz oder gar nicht: Straße, Hausnummer, Postleitzahl und Ort.', en: 'All or nothing: street, house number, postcode and town.' },
    },
    { id: 'telefon', type: 'phone', label: { de: 'Telefonnummer', en: 'Phone number' }, required: false },
    {
      id: 'sprache', type: 'radio', label: { de: 'Bevorzugte Sprache', en: 'Preferred language' }, options: languages,
      hint: { de: 'In dieser Sprache schreiben wir Ihnen E-Mails.', en: 'We write our e-mails to you in this language.' },
    },
    {
      id: 'vorausfuellen', type: 'checkboxes', label: { de: 'Formulare vorausfüllen', en: 'Prefilling forms' }, required: false,
      hint: {
        de: 'Beginnen Sie angemeldet einen Antrag, tragen wir Ihre Angaben und Ihre E-Mail-Adresse in die passenden Felder ein. Sie können sie vor dem Absenden ändern. Ohne Haken füllen wir nichts vor; Sie können die Einwilligung jederzeit widerrufen, indem Sie den Haken entfernen.',
        en: 'When you start an application while signed in, we fill in your details and your e-mail address in the matching fields. You can change them before you send. Without the tick we fill in nothing; you can withdraw your consent at any time by removing the tick.',
      },
      options: [{ value: 'ja', label: { de: 'Mein Profil zum Vorausfüllen von Formularen verwenden', en: 'Use my profile to prefill forms' } }],
    },
  ],
});

/** The profile as answers of profileStep, to show it in the form. */
export function profileAnswers(profile: Profile, language: 'de' | 'en'): StepAnswers {
  const answers: StepAnswers = { sprache: language };
  if (profile.givenName) answers.vorname = profile.givenName;
  if (profile.familyName) answers.nachname = profile.familyName;
  if (profile.birthDate) answers.geburtsdatum = profile.birthDate;
  if (profile.address) answers.anschrift = profile.address;
  if (profile.phone) answers.telefon = profile.phone;
  if (profile.prefillConsentAt) answers.vorausfuellen = ['ja'];
  return answers;
}

/** What the validated answers of profileStep say: the details, the language and the consent. */
export function readProfileAnswers(answers: StepAnswers): { details: ProfileDetails; language: 'de' | 'en'; consent: boolean } {
  const text = (id: string) => (typeof answers[id] === 'string' ? answers[id] : undefined);
  return {
    details: {
      givenName: text('vorname'),
      familyName: text('nachname'),
      birthDate: text('geburtsdatum'),
      address: answers.anschrift as AddressValue | undefined,
      phone: text('telefon'),
    },
    language: answers.sprache === 'en' ? 'en' : 'de',
    consent: ((answers.vorausfuellen as string[] | undefined) ?? []).includes('ja'),
  };
}

/** What the form engine may fill in from a profile and the account's e-mail address (only with consent: the caller checks). */
export function prefillSourceOf(profile: ProfileDetails, email: string): PrefillSource {
  const fullName = [profile.givenName, profile.familyName].filter(Boolean).join(' ');
  return {
    'person.givenName': profile.givenName,
    'person.familyName': profile.familyName,
    'person.fullName': fullName || undefined,
    'person.birthDate': profile.birthDate,
    address: profile.address,
    'contact.email': email,
    'contact.phone': profile.phone,
  };
}
