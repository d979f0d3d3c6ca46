export interface Product {
  id: string;
  name: string;
  price: number;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function isProduct(value: unknown): value is Product {
  if (typeof value !== "object" || value === null) return false;
  const item = value as Record<string, unknown>;
  return typeof item.id === "string" && typeof item.name === "string" && typeof item.price === "number";
}

/** GET {apiBaseUrl}/products: a JSON array of products. */
export async function fetchProducts(
  apiBaseUrl: string,
  signal?: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<Product[]> {
  const response = await fetchImpl(`${apiBaseUrl}/products`, {
    headers: { Accept: "application/json" },
    signal,
  });
  if (!response.ok) {
    throw new ApiError(`GET /products failed with HTTP ${String(response.status)}`, response.status);
  }
  const body: unknown = await response.json();
  if (!Array.isArray(body) || !body.every(isProduct)) {
    throw new ApiError("GET /products returned an unexpected payload");
  }
  return body;
}
