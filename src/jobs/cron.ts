/**
 * A cron pattern (five fields: minute hour day-of-month month day-of-week, or six with seconds first), evaluated in
 * UTC: used to validate EARWORM_RETRAIN_CRON and to fire the in-process scheduler. Supports `*`, numbers, ranges
 * `a-b`, steps `*\/n` and `a-b/n`, and lists; day-of-week 0 or 7 is Sunday. As in cron, when both day fields are
 * restricted a day matching either one fires.
 */
import { InvalidCronError } from './job-errors.ts';

interface Field {
  readonly allowed: ReadonlySet<number>;
  readonly star: boolean;
}

/** A parsed pattern. */
export class CronPattern {
  private constructor(
    readonly source: string,
    private readonly second: Field,
    private readonly minute: Field,
    private readonly hour: Field,
    private readonly dom: Field,
    private readonly month: Field,
    private readonly dow: Field,
  ) {}

  /** Parses a pattern; InvalidCronError says what is wrong. */
  static parse(pattern: string): CronPattern {
    const parts = pattern.trim().split(/\s+/);
    if (parts.length !== 5 && parts.length !== 6) throw new InvalidCronError(pattern, `${parts.length} fields`);
    const [sec, ...rest] = parts.length === 6 ? parts : ['0', ...parts];
    const f = (text: string, min: number, max: number, what: string) => parseField(pattern, text, min, max, what);
    const dow = f(rest[4]!, 0, 7, 'day of week');
    const dowAllowed = new Set([...dow.allowed].map((d) => (d === 7 ? 0 : d)));
    return new CronPattern(
      pattern,
      f(sec!, 0, 59, 'second'),
      f(rest[0]!, 0, 59, 'minute'),
      f(rest[1]!, 0, 23, 'hour'),
      f(rest[2]!, 1, 31, 'day of month'),
      f(rest[3]!, 1, 12, 'month'),
      { allowed: dowAllowed, star: dow.star },
    );
  }

  /** The first time strictly after `after` that the pattern fires (UTC); undefined if none within eight years. */
  next(after: Date): Date | undefined {
    const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
    const limit = after.getTime() + 8 * 366 * 86_400_000;
    while (t.getTime() <= limit) {
      if (!this.month.allowed.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0);
        continue;
      }
      if (!this.dayMatches(t)) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0);
        continue;
      }
      if (!this.hour.allowed.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0);
        continue;
      }
      if (!this.minute.allowed.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
        continue;
      }
      if (!this.second.allowed.has(t.getUTCSeconds())) {
        t.setUTCSeconds(t.getUTCSeconds() + 1);
        continue;
      }
      return t;
    }
    return undefined;
  }

  private dayMatches(t: Date): boolean {
    const dom = this.dom.allowed.has(t.getUTCDate());
    const dow = this.dow.allowed.has(t.getUTCDay());
    if (this.dom.star && this.dow.star) return true;
    if (this.dom.star) return dow;
    if (this.dow.star) return dom;
    return dom || dow;
  }
}

function parseField(pattern: string, text: string, min: number, max: number, what: string): Field {
  const allowed = new Set<number>();
  const bad = (why: string): never => {
    throw new InvalidCronError(pattern, `${what} "${text}": ${why}`);
  };
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (m === null) bad(`expected *, a number, a range a-b or a step /n (${min}-${max})`);
    const [, whole, a, b, step] = m!;
    const lo = whole === '*' ? min : Number(a);
    const hi = whole === '*' ? max : b !== undefined ? Number(b) : step !== undefined ? max : lo;
    const by = step === undefined ? 1 : Number(step);
    if (lo < min || hi > max || lo > hi) bad(`out of range ${min}-${max}`);
    if (by < 1) bad('step must be at least 1');
    for (let v = lo; v <= hi; v += by) allowed.add(v);
  }
  return { allowed, star: text === '*' };
}
