/** A progress bar on standard error when it is a terminal and the work is long; silent otherwise (pipes, CI, tests). */
export class Progress {
  private count = 0;
  private drawn = -1;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(stream.isTTY) && total > 1000;
  }

  tick(steps = 1): void {
    this.count += steps;
    if (!this.enabled) return;
    const percent = Math.min(100, Math.floor((100 * this.count) / this.total));
    if (percent === this.drawn) return;
    this.drawn = percent;
    const width = 30;
    const filled = Math.round((width * percent) / 100);
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent} %`);
  }

  /** Moves the bar to `count` done. */
  at(count: number): void {
    this.tick(count - this.count);
  }

  done(): void {
    if (this.enabled && this.drawn >= 0) this.stream.write('\r\x1b[K');
  }
}
