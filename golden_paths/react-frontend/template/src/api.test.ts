import { describe, expect, it, vi } from "vitest";
import { ApiError, fetchProducts } from "./api";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("fetchProducts", () => {
  it("GETs {apiBaseUrl}/products", async () => {
    const fetchImpl = vi.fn<typeof fetch>().mockResolvedValue(json([{ id: "1", name: "Cup", price: 3 }]));
    await expect(fetchProducts("https://api.example.com", undefined, fetchImpl)).resolves.toEqual([
      { id: "1", name: "Cup", price: 3 },
    ]);
    expect(fetchImpl).toHaveBeenCalledWith("https://api.example.com/products", expect.anything());
  });

  it("fails on an HTTP error with its status", async () => {
    const fetchImpl = vi.fn<typeof fetch>().mockResolvedValue(json({}, 500));
    await expect(fetchProducts("/api", undefined, fetchImpl)).rejects.toMatchObject({
      name: "ApiError",
      status: 500,
    });
  });

  it("rejects a payload that is not a product list", async () => {
    const fetchImpl = vi.fn<typeof fetch>().mockResolvedValue(json([{ id: 1 }]));
    await expect(fetchProducts("/api", undefined, fetchImpl)).rejects.toBeInstanceOf(ApiError);
  });
});
