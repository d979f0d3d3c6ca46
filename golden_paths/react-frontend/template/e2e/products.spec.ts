import { expect, test, type Route } from "@playwright/test";

// The default API base URL (public/config.js); the tests answer its requests themselves.
const products = (url: URL) => url.pathname.endsWith("/products") && url.hostname !== "api.staging.example.com";
const cors = { "Access-Control-Allow-Origin": "*" };
const json = (route: Route, body: unknown) => route.fulfill({ json: body, headers: cors });

const items = [
  { id: "p1", name: "Espresso cup", price: 12.5 },
  { id: "p2", name: "Grinder", price: 89 },
];

test("the page lists the products the API returns", async ({ page }) => {
  await page.route(products, (route) => json(route, items));
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const table = page.getByRole("table", { name: "Products" });
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(table).toContainText("Espresso cup");
  await expect(table).toContainText("€89.00");
});

test("the API base URL comes from the runtime configuration, not the build", async ({ page }) => {
  // What the container writes at start from API_BASE_URL: same build, another backend.
  await page.route("**/config.js", (route) =>
    route.fulfill({
      contentType: "text/javascript",
      body: 'window.__APP_CONFIG__ = {"apiBaseUrl": "https://api.staging.example.com/v2"};',
    }),
  );
  let requested = "";
  await page.route("https://api.staging.example.com/**", (route) => {
    requested = route.request().url();
    return route.fulfill({ json: items.slice(0, 1), headers: { "Access-Control-Allow-Origin": "*" } });
  });
  await page.goto("/");
  await expect(page.getByRole("table", { name: "Products" })).toContainText("Espresso cup");
  expect(requested).toBe("https://api.staging.example.com/v2/products");
});

test("an API error is shown and Retry fetches again", async ({ page }) => {
  let calls = 0;
  await page.route(products, (route) => {
    calls += 1;
    return calls === 1 ? route.fulfill({ status: 503, body: "unavailable", headers: cors }) : json(route, items);
  });
  await page.goto("/");
  await expect(page.getByRole("alert")).toContainText("HTTP 503");
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("table", { name: "Products" })).toContainText("Grinder");
});

test("a deep link is served the app (SPA fallback)", async ({ page }) => {
  await page.route(products, (route) => json(route, []));
  await page.goto("/some/deep/link");
  await expect(page.getByText("No products yet.")).toBeVisible();
});
