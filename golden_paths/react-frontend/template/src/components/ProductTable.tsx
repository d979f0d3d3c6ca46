import type { Product } from "../api";

export interface ProductTableProps {
  products: Product[];
  currency?: string;
}

export function ProductTable({ products, currency = "EUR" }: ProductTableProps) {
  if (products.length === 0) {
    return <p role="status">No products yet.</p>;
  }
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  return (
    <table aria-label="Products">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Price</th>
        </tr>
      </thead>
      <tbody>
        {products.map((product) => (
          <tr key={product.id}>
            <td>{product.name}</td>
            <td>{format.format(product.price)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
