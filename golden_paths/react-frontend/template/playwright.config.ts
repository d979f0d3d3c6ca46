import { defineConfig, devices } from "@playwright/test";

// End-to-end tests against the production build served by `vite preview`.
// PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH (or CHROME_PATH) runs them in an installed Chromium
// (e.g. Debian's /usr/bin/chromium); without it, Playwright's own browser
// (`npx playwright install chromium`, as CI does).
const executablePath =
  process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ?? process.env.CHROME_PATH ?? undefined;
// E2E_PORT: where `vite preview` serves the build for the tests (default 4173).
const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL: `http://127.0.0.1:${String(port)}`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: executablePath ? { executablePath } : {},
      },
    },
  ],
  webServer: {
    command: `npm run preview -- --host 127.0.0.1 --port ${String(port)}`,
    url: `http://127.0.0.1:${String(port)}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
