import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, loadConfig } from "./config";

describe("loadConfig", () => {
  it("reads the API base URL and drops trailing slashes", () => {
    expect(loadConfig({ apiBaseUrl: " https://api.example.com/v1/ " })).toEqual({
      apiBaseUrl: "https://api.example.com/v1",
    });
  });

  it("falls back to the default without a usable value", () => {
    expect(loadConfig(undefined)).toEqual(DEFAULT_CONFIG);
    expect(loadConfig({ apiBaseUrl: "  " })).toEqual(DEFAULT_CONFIG);
  });

  it("reads window.__APP_CONFIG__ by default", () => {
    window.__APP_CONFIG__ = { apiBaseUrl: "/backend" };
    expect(loadConfig().apiBaseUrl).toBe("/backend");
    delete window.__APP_CONFIG__;
    expect(loadConfig().apiBaseUrl).toBe("/api");
  });
});
