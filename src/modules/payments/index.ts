export { paymentRoutes } from './payments.routes.js';
export { createPayment, createPaymentProviders, paymentJobHandlers, readPayment, reconcilePayment, refundPayment, startPayment, type NewPayment, type PaymentDeps, type PaymentProviders } from './payments.service.js';
export type { Payment, PaymentStatus } from './payment.js';
