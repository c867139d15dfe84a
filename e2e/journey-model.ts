/** The model the e2e runner's real inference worker serves (scripts/e2e.ts starts it for e2e/journey.spec.ts). */
export const JOURNEY_MODEL = 'journey-churn';
