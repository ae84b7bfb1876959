/**
 * Control characters at the edge: Postgres cannot store U+0000 (in text or jsonb) nor a lone UTF-16 surrogate in
 * jsonb, and no other C0/C1 control character (tab and line breaks aside) means anything in a music request. Chat
 * text is cleaned (`stripControlChars`); tool arguments that carry one are refused with a message saying where.
 */

/** C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/** `text` without control characters (a lone surrogate becomes U+FFFD, so nothing readable is lost). */
export function stripControlChars(text: string): string {
  return text.replace(CONTROL_ALL, (c) => (c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff ? '\uFFFD' : ''));
}

/** Where a control character sits in a value. */
interface ControlCharFound {
  /** The argument's path, such as `seeds.tracks[0]`. */
  readonly path: string;
  /** U+XXXX of the character. */
  readonly codePoint: string;
  /** Its index in the string. */
  readonly index: number;
}

/** The first string (or object key) in `value` that holds a control character, if any (depth-limited walk). */
export function findControlChar(value: unknown, path = '', depth = 0): ControlCharFound | undefined {
  if (typeof value === 'string') {
    const m = CONTROL.exec(value);
    return m === null ? undefined : { path: path || '(the value)', index: m.index, codePoint: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
  }
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = findControlChar(value[i], `${path}[${i}]`, depth + 1);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = path === '' ? k : `${path}.${k}`;
    const inKey = findControlChar(k, at, depth + 1);
    if (inKey !== undefined) return { ...inKey, path: `a key of ${path || 'the arguments'}` };
    const f = findControlChar(v, at, depth + 1);
    if (f !== undefined) return f;
  }
  return undefined;
}
