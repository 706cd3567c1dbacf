import { defineMessages } from '../../platform/i18n/i18n.js';

/** Texts of the follow-up question four weeks after a report was done: its mail and its page. */
export const t = defineMessages({
  de: {
    mailSubject: 'Ihre Meldung „{category}“: Ist der Mangel behoben?',
    mailBody: 'Guten Tag,\n\nIhre Meldung „{category}“ vom {date} wurde vor vier Wochen als erledigt markiert. Ist der Mangel wirklich behoben? Bitte sagen Sie es uns mit einem Klick:\n{url}\n\nWenn nicht, bearbeitet die zuständige Stelle die Meldung erneut.\n\nMit freundlichen Grüßen\n{town}',
    title: 'Ist der Mangel behoben?',
    intro: 'Ihre Meldung „{category}“ vom {date} wurde als erledigt markiert.',
    reportLink: 'Zur öffentlichen Seite der Meldung',
    yes: 'Ja, behoben',
    no: 'Nein, nicht behoben',
    thanksFixed: 'Vielen Dank für Ihre Rückmeldung.',
    thanksReopened: 'Vielen Dank. Die Meldung ist wieder in Bearbeitung; die zuständige Stelle sieht sie erneut.',
    alreadyAnswered: 'Diese Frage wurde schon beantwortet. Vielen Dank.',
  },
  en: {
    mailSubject: 'Your report "{category}": is the defect fixed?',
    mailBody: 'Hello,\n\nyour report "{category}" of {date} was marked as done four weeks ago. Is the defect really fixed? Please tell us with one click:\n{url}\n\nIf not, the responsible office will work on the report again.\n\nKind regards\n{town}',
    title: 'Is the defect fixed?',
    intro: 'Your report "{category}" of {date} was marked as done.',
    reportLink: 'The report\'s public page',
    yes: 'Yes, fixed',
    no: 'No, not fixed',
    thanksFixed: 'Thank you for letting us know.',
    thanksReopened: 'Thank you. The report is being worked on again; the responsible office sees it once more.',
    alreadyAnswered: 'This question has already been answered. Thank you.',
  },
});
