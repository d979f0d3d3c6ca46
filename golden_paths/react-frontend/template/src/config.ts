/** Runtime configuration, read from `window.__APP_CONFIG__` (set by /config.js, which the
 * container writes from its environment at start), never baked in at build time. */
export interface AppConfig {
  /** Base URL of the backend API, absolute (https://api.example.com) or a path (/api). */
  apiBaseUrl: string;
}

declare global {
  interface Window {
    __APP_CONFIG__?: Partial<AppConfig>;
  }
}

export const DEFAULT_CONFIG: AppConfig = { apiBaseUrl: "/api" };

export function loadConfig(source: Partial<AppConfig> | undefined = window.__APP_CONFIG__): AppConfig {
  const apiBaseUrl =
    typeof source?.apiBaseUrl === "string" && source.apiBaseUrl.trim() !== ""
      ? source.apiBaseUrl.trim().replace(/\/+$/, "")
      : DEFAULT_CONFIG.apiBaseUrl;
  return { apiBaseUrl };
}
