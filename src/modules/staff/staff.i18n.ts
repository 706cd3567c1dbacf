import { defineMessages } from '../../platform/i18n/i18n.js';

/** Texts of the staff login. */
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
  },
});
