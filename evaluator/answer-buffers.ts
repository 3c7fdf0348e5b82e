/**
 * Output buffers for bulk answers, reused once the socket has taken their bytes. A fresh
 * 150 KiB buffer per answer is memory outside V8's heap, and V8 answers that much of it with an
 * early young-generation collection: one every thirty or so bulk answers, each a pause of
 * several milliseconds that lands on whichever request is running, which is most of the p99.
 * Only a few buffers are kept, so an idle evaluator holds no more than a few answers' worth.
 */
export class AnswerBuffers {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep = 2) {}

  /** A buffer of exactly `length` bytes, with a kept one behind it when one is large enough. */
  take(length: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      if (this.free[i]!.length >= length) return this.free.splice(i, 1)[0]!.subarray(0, length);
    }
    // A little headroom: answers for other contexts differ in length by a few variants' worth.
    return Buffer.allocUnsafeSlow(Math.ceil((length * 1.25) / 4096) * 4096).subarray(0, length);
  }

  /**
   * Hands back a buffer from `take` whose bytes the socket has taken (the response's 'finish').
   * Never call it for an answer that is still being written: its next answer would overwrite it.
   */
  give(taken: Buffer): void {
    const whole = Buffer.from(taken.buffer, 0, taken.buffer.byteLength);
    if (this.free.length < this.keep) this.free.push(whole);
    else {
      const smallest = this.free.reduce((at, buffer, i) => (buffer.length < this.free[at]!.length ? i : at), 0);
      if (this.free[smallest]!.length < whole.length) this.free[smallest] = whole;
    }
  }
}
