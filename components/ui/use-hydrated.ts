import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False in the server render and during hydration, true after. Forms keep their submit button
 * disabled until then: a click before hydration would submit natively (a GET with the fields in
 * the URL), and Playwright's click waits for the button to be enabled.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
