import { Layout, type PageContext } from './layout.js';

/** A page that only says what happened, with a link onwards. */
export function MessagePage(props: { ctx: PageContext; title: string; text: string; link?: { href: string; label: string } }) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <h1 class="kern-heading-x-large">{props.title}</h1>
      <p class="kern-body">{props.text}</p>
      {props.link && <p class="kern-body"><a class="kern-link" href={props.link.href}>{props.link.label}</a></p>}
    </Layout>
  );
}
