/** Compare takes 2 to 10 runs (the API's limit): more curves than that on one chart are unreadable. */
export const MIN_COMPARE = 2;
export const MAX_COMPARE = 10;
