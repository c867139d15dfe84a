import { defineConfig } from '@playwright/test';

// The app is started by the e2e runner (scripts/e2e.ts) or by hand; there is no webServer block.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/.artifacts',
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://localhost:3200',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
