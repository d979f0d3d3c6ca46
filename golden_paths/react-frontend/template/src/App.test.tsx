import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { App } from "./App";

const products = [
  { id: "p1", name: "Espresso cup", price: 12.5 },
  { id: "p2", name: "Grinder", price: 89 },
];

function stubFetch(...responses: Response[]) {
  const fetchMock = vi.fn<typeof fetch>();
  for (const response of responses) fetchMock.mockResolvedValueOnce(response);
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

describe("App", () => {
  it("fetches the products from the configured API and lists them", async () => {
    const fetchMock = stubFetch(Response.json(products));
    render(<App config={{ apiBaseUrl: "https://api.example.com" }} title="Shop" />);
    expect(screen.getByRole("heading", { level: 1, name: "Shop" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Loading");
    const table = await screen.findByRole("table", { name: "Products" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(table).toHaveTextContent("€12.50");
    expect(fetchMock).toHaveBeenCalledWith("https://api.example.com/products", expect.anything());
  });

  it("shows an error and fetches again on Retry", async () => {
    const fetchMock = stubFetch(new Response("down", { status: 503 }), Response.json(products));
    render(<App config={{ apiBaseUrl: "/api" }} title="Shop" />);
    expect(await screen.findByRole("alert")).toHaveTextContent("HTTP 503");
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("table", { name: "Products" })).toHaveTextContent("Grinder");
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it("says so when there are no products", async () => {
    stubFetch(Response.json([]));
    render(<App config={{ apiBaseUrl: "/api" }} title="Shop" />);
    expect(await screen.findByText("No products yet.")).toBeInTheDocument();
  });
});
