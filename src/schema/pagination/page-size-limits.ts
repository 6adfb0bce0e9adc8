/**
 * What one upstream list endpoint does with the page size it is asked for, learned from the
 * sizes it reports. The Hoopr contract says the reported size is the truth and may differ
 * from the one asked (its own example asks 10 and gets 20; the sandbox clamps to 50), so the
 * model is: the upstream serves `clamp(asked, floor, cap)`. Until a response contradicts it,
 * a size is believed to be served as asked; a response that does not serve the size asked
 * fixes the floor or the cap for good (a fixed-size upstream ends up with floor = cap).
 *
 * One instance per upstream endpoint, shared by every request that pages it: the limits
 * are the upstream's, not a tenant's, and the state is four numbers, so it needs no eviction.
 * A fresh instance per request is correct too; it only pays for learning again.
 */
export class PageSizeLimits {
  #floor: number | undefined;
  #cap: number | undefined;
  #smallestServedAsAsked: number | undefined;
  #largestServedAsAsked: number | undefined;

  /**
   * The smallest cap the upstream may turn out to have: until a response shows the cap,
   * call bounds (`maxWindowCalls`) count pages of this size. 1 when nothing is documented.
   */
  readonly leastCap: number;

  /** Limits known in advance (e.g. from the upstream's documentation); a response that contradicts one replaces it. */
  constructor(known: { floor?: number; cap?: number; leastCap?: number } = {}) {
    for (const [name, value] of Object.entries(known)) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new Error(`page size ${name} must be a positive integer, got ${value}`);
      }
    }
    if (known.floor !== undefined && known.cap !== undefined && known.floor > known.cap) {
      throw new Error(`page size floor ${known.floor} is above cap ${known.cap}`);
    }
    this.#floor = known.floor;
    this.#cap = known.cap;
    this.leastCap = known.leastCap ?? 1;
  }

  /** Records one response; returns whether it taught anything new. */
  observe(asked: number, reported: number): boolean {
    const before = this.#state();
    if (reported === asked) {
      this.#smallestServedAsAsked = Math.min(this.#smallestServedAsAsked ?? asked, asked);
      this.#largestServedAsAsked = Math.max(this.#largestServedAsAsked ?? asked, asked);
      // Served as asked past a limit we believed in: the upstream has changed its limits.
      if (this.#cap !== undefined && asked > this.#cap) this.#cap = undefined;
      if (this.#floor !== undefined && asked < this.#floor) this.#floor = undefined;
    } else if (reported < asked) {
      this.#cap = reported;
      if (this.#floor !== undefined && this.#floor > reported) this.#floor = undefined;
      if ((this.#largestServedAsAsked ?? 0) > reported) this.#largestServedAsAsked = reported;
      if ((this.#smallestServedAsAsked ?? 0) > reported) this.#smallestServedAsAsked = undefined;
    } else {
      this.#floor = reported;
      if (this.#cap !== undefined && this.#cap < reported) this.#cap = undefined;
      if ((this.#smallestServedAsAsked ?? Infinity) < reported) this.#smallestServedAsAsked = reported;
      if ((this.#largestServedAsAsked ?? Infinity) < reported) this.#largestServedAsAsked = undefined;
    }
    return this.#state() !== before;
  }

  /**
   * The page sizes worth asking for when `length` items are missing from a window of
   * `windowSize` edges: from `length` (fewer would always need more pages) up to twice the
   * window — one page of at most 2n items costs no more items than the two pages of n it
   * replaces — but never above the learned cap, nor, while the cap is unknown, above what
   * the upstream has already served as asked (a refused size would waste the call). When
   * the learned cap is below `length`, only the cap is left and the window needs several pages.
   */
  candidateSizes(length: number, windowSize: number): { smallest: number; largest: number } {
    const smallest = Math.max(length, 1, this.#floor ?? 1);
    const ceiling = Math.max(2 * windowSize, smallest);
    if (this.#cap !== undefined) {
      if (this.#cap < smallest) return { smallest: this.#cap, largest: this.#cap };
      return { smallest, largest: Math.min(this.#cap, ceiling) };
    }
    return { smallest, largest: Math.max(smallest, Math.min(ceiling, this.#largestServedAsAsked ?? 0)) };
  }

  /**
   * The size for page 1 when its main job is to learn the total (a window at the end of the
   * list): as large as a window of `windowSize` may over-fetch, also beyond what is proven,
   * because page 1 of any size still reports the total — a refused size costs nothing here
   * and teaches the cap. A short list then costs this one call.
   */
  probeSize(windowSize: number): number {
    const wanted = Math.max(2 * windowSize, 1, this.#floor ?? 1);
    return this.#cap === undefined ? wanted : Math.min(wanted, this.#cap);
  }

  /**
   * Whether the upstream is known (not merely believed) to serve `size` as asked: several
   * pages of a proven size are requested at once, pages of an unproven size one at a time,
   * so a wrong belief wastes one call instead of a whole batch.
   */
  isProven(size: number): boolean {
    const low = this.#floor ?? minDefined(this.#smallestServedAsAsked, this.#cap);
    const high = this.#cap ?? maxDefined(this.#largestServedAsAsked, this.#floor);
    return low !== undefined && high !== undefined && low <= size && size <= high;
  }

  /** The largest page size the upstream is known to serve, when a response has shown it. */
  get knownCap(): number | undefined {
    return this.#cap;
  }

  /** The smallest page size the upstream is known to serve, when a response has shown it. */
  get knownFloor(): number | undefined {
    return this.#floor;
  }

  #state(): string {
    return `${this.#floor}/${this.#cap}/${this.#smallestServedAsAsked}/${this.#largestServedAsAsked}`;
  }
}

function minDefined(left: number | undefined, right: number | undefined): number | undefined {
  if (left === undefined) return right;
  return right === undefined ? left : Math.min(left, right);
}

function maxDefined(left: number | undefined, right: number | undefined): number | undefined {
  if (left === undefined) return right;
  return right === undefined ? left : Math.max(left, right);
}
