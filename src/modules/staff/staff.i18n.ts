import { defineMessages } from '../../platform/i18n/i18n.js';

/** Texts of the staff sign-in; the second-factor pages' shared texts are in platform/views/second-factor.i18n.ts. */
export const t = defineMessages({
  de: {
    loginTitle: 'Anmeldung für Beschäftigte',
    email: 'Dienstliche E-Mail-Adresse',
    password: 'Passwort',
    login: 'Anmelden',
    logout: 'Abmelden',
    loginFailed: 'E-Mail-Adresse oder Passwort ist falsch',
    emailRequired: 'Geben Sie Ihre dienstliche E-Mail-Adresse an',
    passwordRequired: 'Geben Sie Ihr Passwort an',
    signedInAs: 'Angemeldet als {name}',
    enrolIntro: 'Zum Schutz der Vorgänge brauchen Sie bei jeder Anmeldung außer dem Passwort einen Code aus einer Authenticator-App (zeitbasierte Einmalpasswörter, TOTP). Richten Sie die App jetzt einmalig ein.',
    continueToInbox: 'Weiter zum Posteingang',
    recoveryIntro: 'Geben Sie einen Ihrer Wiederherstellungscodes ein. Jeder Code gilt nur einmal. Ist die App verloren, lassen Sie den zweiten Faktor von der Administration zurücksetzen.',
  },
  en: {
    loginTitle: 'Staff sign-in',
    email: 'Work e-mail address',
    password: 'Password',
    login: 'Sign in',
    logout: 'Sign out',
    loginFailed: 'E-mail address or password is wrong',
    emailRequired: 'Enter your work e-mail address',
    passwordRequired: 'Enter your password',
    signedInAs: 'Signed in as {name}',
    enrolIntro: 'To protect the cases, every sign-in needs a code from an authenticator app (time-based one-time passwords, TOTP) as well as your password. Set up the app once now.',
    continueToInbox: 'Continue to the inbox',
    recoveryIntro: 'Enter one of your recovery codes. Each code works once. If the app is lost, ask the administration to reset your second factor.',
  },
});
