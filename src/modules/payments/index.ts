export { paymentRoutes } from './payments.routes.js';
export {
  createPayment, createPaymentProviders, feeDueFirst, feesSetByDecision, requestFeeWithDecision, listPaymentsOfCase, openCasePayment, readCasePayment, readSubmissionPayment, refundCasePayment, retryPayment, paymentJobHandlers, readPayment, reconcilePayment, refundPayment, startPayment,
  type CasePayment, type CaseRefundOutcome, type NewPayment, type PaymentDeps, type PaymentProviders, type ServiceFees,
} from './payments.service.js';
export { CasePaymentsSection, refundReasonField, refusedRefundForm, type RefundFormState } from './views/case-payments.js';
export { paymentModes, type Payment, type PaymentStatus } from './payment.js';
export { clientSecretVariable, saveXBezahldiensteSettings } from './providers/xbezahldienste/xbezahldienste-provider.js';
export { assessFees, type FeeAssessment, type FeeLine, type FeeRule, type PaymentSettings } from './fees.js';
export { FeeBreakdown, feeLinesText } from './views/fee-breakdown.js';
export { ReceiptPaymentStatus } from './views/payment-pages.js';
export { exportSettledPayments, type FinanceExport } from './finance-export.js';
