/** A body or raw response pretty-printed when it is JSON ("HTTP 400 {…}" keeps its status line). */
export function prettyBody(text: string | null | undefined): string {
  if (!text) return '';
  const http = /^(HTTP \d{3}) ([\s\S]*)$/.exec(text);
  const body = http ? http[2]! : text;
  let pretty = body;
  try {
    pretty = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // Form bodies, HTML from a proxy, clipped bodies: shown as they are.
  }
  return http ? `${http[1]}\n${pretty}` : pretty;
}

/** Copies text to the clipboard; false when the browser refuses. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
