import { defineMessages } from '../../platform/i18n/i18n.js';

/** Texts of the staff sign-in through the town's identity provider (kept apart from staff.i18n.ts). */
export const t = defineMessages({
  de: {
    otherWay: 'Oder melden Sie sich mit dem Konto Ihrer Verwaltung an:',
    signInWith: 'Anmelden mit {name}',
    backToSignIn: 'Zurück zur Anmeldung',
    flowTitle: 'Die Anmeldung ist abgelaufen',
    flowText: 'Die Anmeldung über {idp} wurde nicht abgeschlossen, hat zu lange gedauert oder wurde in einem anderen Browserfenster begonnen. Bitte beginnen Sie die Anmeldung erneut.',
    cancelledTitle: 'Die Anmeldung wurde abgebrochen',
    cancelledText: '{idp} hat die Anmeldung nicht bestätigt, zum Beispiel weil sie dort abgebrochen wurde. Bitte versuchen Sie es erneut oder melden Sie sich mit E-Mail-Adresse und Passwort an.',
    invalidTitle: 'Die Anmeldung konnte nicht geprüft werden',
    invalidText: 'Die Antwort stammt nicht von {idp} oder ist ungültig. Zu Ihrer Sicherheit wurden Sie nicht angemeldet. Bitte beginnen Sie die Anmeldung erneut.',
    unavailableTitle: 'Der Anmeldedienst ist nicht erreichbar',
    unavailableText: '{idp} antwortet gerade nicht. Bitte versuchen Sie es später erneut oder melden Sie sich mit E-Mail-Adresse und Passwort an.',
    unknownTitle: 'Kein Zugang für dieses Konto',
    unknownText: 'Ihr Konto bei {idp} ist keinem Zugang für Beschäftigte von {town} zugeordnet. Zugänge werden nicht automatisch angelegt. Wenden Sie sich an die Administration Ihrer Verwaltung.',
  },
  en: {
    otherWay: 'Or sign in with the account of your administration:',
    signInWith: 'Sign in with {name}',
    backToSignIn: 'Back to sign-in',
    flowTitle: 'The sign-in has expired',
    flowText: 'The sign-in through {idp} was not completed, took too long or was started in another browser window. Please start the sign-in again.',
    cancelledTitle: 'The sign-in was cancelled',
    cancelledText: '{idp} did not confirm the sign-in, for example because it was cancelled there. Please try again or sign in with e-mail address and password.',
    invalidTitle: 'The sign-in could not be verified',
    invalidText: 'The response did not come from {idp} or is invalid. For your security you were not signed in. Please start the sign-in again.',
    unavailableTitle: 'The sign-in service cannot be reached',
    unavailableText: '{idp} is not answering right now. Please try again later or sign in with e-mail address and password.',
    unknownTitle: 'No access for this account',
    unknownText: 'Your account at {idp} is not linked to any staff access of {town}. Access is never created automatically. Please contact your administration.',
  },
});
