import { defineMessages } from '../i18n/i18n.js';

/** Texts of the layout and shared components. */
export const t = defineMessages({
  de: {
    skipLink: 'Zum Inhalt springen',
    services: 'Leistungen',
    staffArea: 'Verwaltung',
    administration: 'Administration',
    switchLanguage: 'English',
    switchLanguageLabel: 'Switch to English',
    imprint: 'Impressum',
    privacy: 'Datenschutz',
    accessibility: 'Barrierefreiheit',
    errorSummaryTitle: 'Bitte prüfen Sie Ihre Angaben',
    optional: '(optional)',
    change: 'Ändern',
    footerNav: 'Rechtliches',
    mainNav: 'Hauptnavigation',
    home: 'Startseite',
  },
  en: {
    skipLink: 'Skip to content',
    services: 'Services',
    staffArea: 'Staff',
    administration: 'Administration',
    switchLanguage: 'Deutsch',
    switchLanguageLabel: 'Auf Deutsch wechseln',
    imprint: 'Legal notice',
    privacy: 'Privacy',
    accessibility: 'Accessibility',
    errorSummaryTitle: 'Please check your answers',
    optional: '(optional)',
    change: 'Change',
    footerNav: 'Legal',
    mainNav: 'Main navigation',
    home: 'Home',
  },
});
