import type { ControlPlane, FaultRange } from '../common/control-plane';
import { badParameter } from './envelope';

/**
 * Query parameters and the page envelope shared by every list endpoint. An empty parameter
 * counts as absent; a present one with a bad value is a 400.
 */

export const DEFAULT_PAGE_SIZE = 20;
/** Larger asks are served at this size, and the page says so (CONTRACT.md's page-size quirk). */
export const MAX_PAGE_SIZE = 50;

/**
 * The fault `{"servedPageSize": n}` plays the Quickstart's example in full (asked
 * `pageSize=10`, got `pageSize: 20`): every list serves pages of n items whatever size was
 * asked, and reports n. `page` then counts pages of n, `currentPage` is the page asked for
 * and `totalPages` is `ceil(totalRecords / n)`, so a client that trusts the reported size
 * places every item right and one that trusts its own ask does not.
 */
export const SERVED_PAGE_SIZE_FAULT = 'servedPageSize';
export const HOOPR_SANDBOX_FAULTS: Record<string, FaultRange> = { [SERVED_PAGE_SIZE_FAULT]: { min: 1, max: 1000, integer: true } };

export interface PageRequest {
  page: number;
  pageSize: number;
}

export interface Page<T> {
  totalRecords: number;
  totalPages: number;
  currentPage: number;
  /** The size the server used, which is not always the size asked for. */
  pageSize: number;
  items: T[];
}

export function optionalParam(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A comma-separated list; blank entries are dropped. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return (optionalParam(query, name) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function positiveIntParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = optionalParam(query, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw badParameter(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/**
 * `page` (1-based, default 1) and the size the page is served at: `pageSize` (default 20)
 * clamped to 50, or the `servedPageSize` fault's size (`pageSize` is still validated).
 */
export function readPageRequest(query: URLSearchParams, ctl: ControlPlane): PageRequest {
  const page = positiveIntParam(query, 'page', 1);
  const asked = positiveIntParam(query, 'pageSize', DEFAULT_PAGE_SIZE);
  const served = ctl.faults[SERVED_PAGE_SIZE_FAULT];
  return { page, pageSize: typeof served === 'number' ? served : Math.min(asked, MAX_PAGE_SIZE) };
}

/** One page of `all`; a page past the end has no items but the same totals. */
export function pageOf<T, U>(all: readonly T[], request: PageRequest, render: (item: T) => U): Page<U> {
  const start = (request.page - 1) * request.pageSize;
  return {
    totalRecords: all.length,
    totalPages: Math.ceil(all.length / request.pageSize),
    currentPage: request.page,
    pageSize: request.pageSize,
    items: all.slice(start, start + request.pageSize).map(render),
  };
}
