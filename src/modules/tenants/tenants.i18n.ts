import { defineMessages } from '../../platform/i18n/i18n.js';

/** Texts of the town-level pages. */
export const t = defineMessages({
  de: {
    unknownTown: 'Unbekannte Gemeinde',
    unknownTownText: 'Unter dieser Adresse ist keine Gemeinde eingerichtet.',
    imprint: 'Impressum',
    privacy: 'Datenschutzerklärung',
    accessibility: 'Erklärung zur Barrierefreiheit',
    germanOnly: 'Dieser Text liegt nur auf Deutsch vor.',
  },
  en: {
    unknownTown: 'Unknown town',
    unknownTownText: 'No town is set up at this address.',
    imprint: 'Legal notice',
    privacy: 'Privacy policy',
    accessibility: 'Accessibility statement',
    germanOnly: 'This text is available in German only.',
  },
});
