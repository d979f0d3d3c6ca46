import type { AppConfig } from "./config";
import { ProductList } from "./components/ProductList";

export interface AppProps {
  config: AppConfig;
  title: string;
}

export function App({ config, title }: AppProps) {
  return (
    <main>
      <h1>{title}</h1>
      <section aria-labelledby="products-heading">
        <h2 id="products-heading">Products</h2>
        <ProductList apiBaseUrl={config.apiBaseUrl} />
      </section>
    </main>
  );
}
