/** The fixed core states of a case (service definitions may add labelled sub-steps later). */
export const caseStatuses = ['received', 'in_progress', 'waiting_for_applicant', 'decided', 'closed', 'withdrawn'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

/** Status names for staff and applicants. */
export const caseStatusNames: Record<CaseStatus, { de: string; en: string }> = {
  received: { de: 'Eingegangen', en: 'Received' },
  in_progress: { de: 'In Bearbeitung', en: 'In progress' },
  waiting_for_applicant: { de: 'Wartet auf Antragsteller', en: 'Waiting for applicant' },
  decided: { de: 'Entschieden', en: 'Decided' },
  closed: { de: 'Abgeschlossen', en: 'Closed' },
  withdrawn: { de: 'Zurückgezogen', en: 'Withdrawn' },
};
