// The people the e2e runner (scripts/e2e.ts) creates in its fresh database before the specs run.
export const E2E_USERS = {
  admin: { email: 'admin@e2e.test', password: 'admin-pass-123', role: 'admin' },
  engineer: { email: 'engineer@e2e.test', password: 'engineer-pass-123', role: 'engineer' },
  viewer: { email: 'viewer@e2e.test', password: 'viewer-pass-123', role: 'viewer' },
} as const;
