import type { Meta, StoryObj } from "@storybook/react-vite";
import { ProductTable } from "./ProductTable";

const meta = {
  title: "Example/ProductTable",
  component: ProductTable,
  args: {
    products: [
      { id: "p1", name: "Espresso cup", price: 12.5 },
      { id: "p2", name: "Grinder", price: 89 },
    ],
  },
} satisfies Meta<typeof ProductTable>;

export default meta;
type Story = StoryObj<typeof meta>;

export const WithProducts: Story = {};

export const InDollars: Story = { args: { currency: "USD" } };

export const Empty: Story = { args: { products: [] } };
