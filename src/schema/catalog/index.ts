/** The Hoopr catalog in the public schema: tracks, artists, filters and search. */
import './catalog-enums';
import './track';
import './track-list';
import './artist';
import './filter';
import './search';
