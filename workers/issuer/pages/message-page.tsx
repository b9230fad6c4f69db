import { Layout, type LayoutProps } from "./layout";

/** A page that only says something: an outcome, or why a request cannot go on. */
export function MessagePage(props: Omit<LayoutProps, "children"> & { readonly message: string; readonly alert?: boolean }) {
  return (
    <Layout {...props}>
      <p role={props.alert === true ? "alert" : undefined}>{props.message}</p>
    </Layout>
  );
}
