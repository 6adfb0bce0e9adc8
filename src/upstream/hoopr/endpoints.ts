import type { UpstreamRequest } from '../http/upstream-request';
import type { ListFiltersParams, ListTracksParams, PageParams, SearchParams } from './types';

/**
 * Every Hoopr path and parameter name, in one place. Most are ASSUMED (CONTRACT.md: only
 * the token and track-list calls are documented), so a correction happens here only.
 */

const id = (value: string) => encodeURIComponent(value);
/** Lists go as one comma-separated parameter (assumed, as `filterSlugs=electronic` is documented). */
const commaList = (values: readonly string[] | undefined) => (values && values.length > 0 ? values.join(',') : undefined);

export const hooprEndpoints = {
  token: (clientId: string, clientSecret: string): UpstreamRequest => ({
    method: 'POST', route: 'POST /v1/auth/token', path: '/v1/auth/token',
    json: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
    // Asking twice only yields two valid tokens: safe to retry.
    idempotent: true,
  }),
  listTracks: (params: ListTracksParams): UpstreamRequest => ({
    method: 'GET', route: 'GET /v1/tracks', path: '/v1/tracks', idempotent: true,
    query: {
      type: params.type,
      filterSlugs: commaList(params.filterSlugs),
      artistIds: commaList(params.artistIds),
      page: params.page,
      pageSize: params.pageSize,
    },
  }),
  getTrack: (trackId: string): UpstreamRequest => ({
    method: 'GET', route: 'GET /v1/tracks/:id', path: `/v1/tracks/${id(trackId)}`, idempotent: true,
  }),
  listArtists: (params: PageParams): UpstreamRequest => ({
    method: 'GET', route: 'GET /v1/artists', path: '/v1/artists', idempotent: true,
    query: { page: params.page, pageSize: params.pageSize },
  }),
  getArtist: (artistId: string): UpstreamRequest => ({
    method: 'GET', route: 'GET /v1/artists/:id', path: `/v1/artists/${id(artistId)}`, idempotent: true,
  }),
  listFilters: (params: ListFiltersParams): UpstreamRequest => ({
    method: 'GET', route: 'GET /v1/filters', path: '/v1/filters', idempotent: true,
    query: { type: params.type, page: params.page, pageSize: params.pageSize },
  }),
  search: (params: SearchParams): UpstreamRequest => ({
    method: 'GET', route: 'GET /v1/search', path: '/v1/search', idempotent: true,
    query: { q: params.q, page: params.page, pageSize: params.pageSize },
  }),
};
