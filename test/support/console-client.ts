/**
 * A browser without a browser, for the console's integration tests: follows
 * redirects by hand and keeps each host's cookies, so a test logs in through
 * the local OpenID provider's own form as a person would.
 */
export class CookieJar {
  private readonly hosts = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.hosts.get(host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const equals = pair!.indexOf('=');
      const name = pair!.slice(0, equals).trim();
      const value = pair!.slice(equals + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.hosts.set(host, jar);
  }

  header(url: string): string {
    return [...(this.hosts.get(new URL(url).host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(url: string, name: string): string | undefined {
    return this.hosts.get(new URL(url).host)?.get(name);
  }

  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    this.hosts.set(host, (this.hosts.get(host) ?? new Map<string, string>()).set(name, value));
  }
}

export interface Visit {
  url: string;
  response: Response;
  text: string;
}

/** One request with the jar's cookies, no redirect followed. */
export async function visit(jar: CookieJar, url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Visit> {
  const headers: Record<string, string> = { cookie: jar.header(url) };
  if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, redirect: 'manual', ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}) });
  jar.store(url, response);
  return { url, response, text: await response.text() };
}

/** Follows redirects (each with the jar's cookies) to the first answer that is not one. */
export async function follow(jar: CookieJar, first: Visit, limit = 10): Promise<Visit> {
  let current = first;
  for (let hops = 0; current.response.status >= 300 && current.response.status < 400; hops += 1) {
    if (hops === limit) throw new Error(`more than ${limit} redirects from ${first.url}`);
    current = await visit(jar, new URL(current.response.headers.get('location')!, current.url).href);
  }
  return current;
}

/** Logs into the console at `consoleUrl` with a local account, through the provider's login form. */
export async function logIn(jar: CookieJar, consoleUrl: string, account: string, password = account): Promise<Visit> {
  const form = await follow(jar, await visit(jar, `${consoleUrl}/console`));
  const action = /<form method="post" action="([^"]+)"/.exec(form.text)?.[1];
  if (!action) throw new Error(`no login form at ${form.url}: ${form.response.status}`);
  return follow(jar, await visit(jar, new URL(action, form.url).href, { form: { login: account, password } }));
}

/** The CSRF token of the page's forms. */
export const csrfOf = (page: string): string => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
