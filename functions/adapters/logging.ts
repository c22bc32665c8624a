/**
 * Logs carry no signing token and no email address: what a log line or an
 * error thrown to the Lambda runtime (which logs it) says goes through redact.
 */

/**
 * What a log line may not carry: a signing token (in a path, or bare: 32
 * random bytes in base64url) or an email address (SES puts the refused
 * recipient in its error messages).
 */
export function redact(text: string): string {
  return text
    .replace(/\/(sign|avenant)\/[A-Za-z0-9_-]+/g, '/$1/{token}')
    .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, '{token}')
    .replace(/[^\s"'<>()[\]{},;:]+@[^\s"'<>()[\]{},;:]+\.[A-Za-z]{2,}/g, '{courriel}');
}

/**
 * An event handler (schedules, EventBridge) whose failures reach the runtime's
 * log redacted: same name, redacted message and stack.
 */
export function withRedactedErrors<E, R>(handle: (event: E) => Promise<R>): (event: E) => Promise<R> {
  return async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      if (!(error instanceof Error)) throw new Error(redact(String(error)));
      const redacted = new Error(redact(error.message));
      redacted.name = error.name;
      redacted.stack = error.stack && redact(error.stack);
      throw redacted;
    }
  };
}
