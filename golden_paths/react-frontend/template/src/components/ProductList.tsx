import { useEffect, useState } from "react";
import { fetchProducts, type Product } from "../api";
import { ProductTable } from "./ProductTable";

type State =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; products: Product[] };

export interface ProductListProps {
  apiBaseUrl: string;
}

/** The example page's data: products fetched from the configured API. */
export function ProductList({ apiBaseUrl }: ProductListProps) {
  const [state, setState] = useState<State>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    fetchProducts(apiBaseUrl, controller.signal)
      .then((products) => {
        setState({ status: "ready", products });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: "error", message: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      controller.abort();
    };
  }, [apiBaseUrl, attempt]);

  if (state.status === "loading") {
    return <p role="status">Loading products…</p>;
  }
  if (state.status === "error") {
    return (
      <div role="alert">
        <p>Could not load products: {state.message}</p>
        <button
          type="button"
          onClick={() => {
            setAttempt((n) => n + 1);
          }}
        >
          Retry
        </button>
      </div>
    );
  }
  return <ProductTable products={state.products} />;
}
