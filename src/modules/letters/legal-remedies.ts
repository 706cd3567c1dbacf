/**
 * Legal remedy notices (Rechtsbehelfsbelehrungen) a template may append by id. In North
 * Rhine-Westphalia the objection procedure (Widerspruch) is abolished for most municipal decisions
 * (§ 110 JustG NRW), so the remedy is an action at the administrative court within one month of
 * notification (§ 74 Absatz 1 Satz 2 VwGO); § 58 VwGO requires naming the court and its seat.
 * The court comes from the town's profile (`administrativeCourt`): a town without it cannot issue
 * such a letter, the preview shows the gap.
 */
export const legalRemedyIds = ['klage-verwaltungsgericht', 'klage-verwaltungsgericht-abgaben'] as const;
export type LegalRemedyId = (typeof legalRemedyIds)[number];

const action = `## Rechtsbehelfsbelehrung

Gegen diesen Bescheid können Sie innerhalb eines Monats nach seiner Bekanntgabe Klage erheben. Die Klage ist bei dem {{town.verwaltungsgericht}}, schriftlich einzureichen oder dort zur Niederschrift der Urkundsbeamtin oder des Urkundsbeamten der Geschäftsstelle zu erklären.

Die Klage kann auch als elektronisches Dokument bei der elektronischen Poststelle des Gerichts erhoben werden. Das Dokument muss für die Bearbeitung durch das Gericht geeignet sein. Es muss mit einer qualifizierten elektronischen Signatur der verantwortenden Person versehen sein oder von ihr signiert und auf einem sicheren Übermittlungsweg nach § 55a Absatz 4 der Verwaltungsgerichtsordnung (VwGO) eingereicht werden. Die technischen Anforderungen regelt die Elektronischer-Rechtsverkehr-Verordnung (ERVV).`;

const texts: Record<LegalRemedyId, string> = {
  'klage-verwaltungsgericht': action,
  // Taxes and fees are due even while an action is pending; the notice has to say so.
  'klage-verwaltungsgericht-abgaben': `${action}

Die Klage hat keine aufschiebende Wirkung (§ 80 Absatz 2 Satz 1 Nummer 1 VwGO). Die festgesetzten Beträge sind deshalb auch dann zu den Fälligkeitsterminen zu zahlen, wenn Sie Klage erheben.`,
};

/** The notice in the letter notation, with the court as a placeholder. */
export function legalRemedyText(id: LegalRemedyId): string {
  return texts[id];
}
