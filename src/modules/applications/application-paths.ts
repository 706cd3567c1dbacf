/** Addresses of "Meine Anträge"; an application is addressed by its case id. */
export const applicationPaths = {
  list: '/konto/antraege',
  detail: (caseId: string) => `/konto/antraege/${caseId}`,
  receiptPdf: (caseId: string) => `/konto/antraege/${caseId}/quittung.pdf`,
  withdraw: (caseId: string) => `/konto/antraege/${caseId}/zurueckziehen`,
  discardDraft: (draftId: string) => `/konto/antraege/entwuerfe/${draftId}/verwerfen`,
} as const;
