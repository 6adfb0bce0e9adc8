/**
 * Curated vocabulary for the seed catalog: names that read like a production-music
 * library aimed at Indian and global creators.
 */

/**
 * Music tracks that exist under these exact names, because the HoopAI sandbox's seed
 * messages link to their slugs (`midnight-drive`, …) and the gateway resolves those links.
 */
export const FEATURED_TRACK_NAMES = [
  'Midnight Drive', 'Monsoon Groove', 'Neon Skyline', 'Chai and Chill', 'Desert Caravan',
  'Bombay Nights', 'Electric Dreams', 'Lofi Study Session', 'Festive Dhol', 'Ocean Breeze',
  'Urban Pulse', 'Golden Hour', 'Rainy Day Piano', 'Retro Wave', 'Wedding Shehnai', 'Sunrise Yoga',
];

/** First and second words of generated music track names (50 × 50 combinations). */
export const TITLE_LEADS = [
  'Midnight', 'Neon', 'Golden', 'Monsoon', 'Velvet', 'Electric', 'Desert', 'Urban', 'Silent', 'Crimson',
  'Saffron', 'Silver', 'Wild', 'Cosmic', 'Broken', 'Endless', 'Hidden', 'Lost', 'Morning', 'Summer',
  'Winter', 'Rainy', 'Starlit', 'Sunset', 'Sunrise', 'Lunar', 'Solar', 'Paper', 'Crystal', 'Shadow',
  'Fading', 'Rising', 'Distant', 'Secret', 'Gentle', 'Restless', 'Dusty', 'Royal', 'Spice', 'Marigold',
  'Coastal', 'Northern', 'Hollow', 'Amber', 'Indigo', 'Faded', 'Burning', 'Floating', 'Frozen', 'Sacred',
];

export const TITLE_TAILS = [
  'Drive', 'Groove', 'Skyline', 'Dreams', 'Pulse', 'Hour', 'Caravan', 'Nights', 'Breeze', 'Wave',
  'Horizon', 'Journey', 'Echoes', 'Lights', 'Streets', 'Garden', 'River', 'Festival', 'Memories', 'Heartbeat',
  'Rhythm', 'Anthem', 'Voyage', 'Bazaar', 'Mirage', 'Parade', 'Lullaby', 'Story', 'Runway', 'Harbour',
  'Temple', 'Highway', 'Fireflies', 'Carnival', 'Reverie', 'Kingdom', 'Avenue', 'Sky', 'Tides', 'Shores',
  'Steps', 'Signals', 'Whispers', 'Rain', 'Sparks', 'Road', 'Valley', 'Spirit', 'Flame', 'Skies',
];

/** Sound-effect names are `<sound> <variant>` (30 × 8 combinations). */
export const SFX_SOUNDS = [
  'Door Slam', 'Glass Shatter', 'Whoosh', 'Swoosh Transition', 'Camera Shutter', 'Crowd Cheer', 'Applause',
  'Thunder Rumble', 'Rain on Roof', 'Footsteps Gravel', 'Car Horn', 'Phone Ring', 'Notification Ping',
  'Keyboard Typing', 'Heartbeat Thump', 'Explosion', 'Sword Clash', 'Coin Drop', 'Laser Zap', 'Wind Howl',
  'Bird Chirp', 'Dog Bark', 'Clock Tick', 'Water Splash', 'Fire Crackle', 'Cinematic Riser', 'Impact Hit',
  'Digital Glitch', 'Bubble Pop', 'Button Click',
];

export const SFX_VARIANTS = ['Short', 'Long', 'Heavy', 'Light', 'Distant', 'Close', 'Soft', 'Hard'];

/** Stage names: single words, or `<lead> <ensemble>` (e.g. "Saffron Collective"). */
export const STAGE_NAMES = [
  'Nova', 'Aurora', 'Zephyr', 'Kairo', 'Rhea', 'Lumen', 'Orion', 'Tanvi', 'Vega', 'Solace',
  'Mirae', 'Ekko', 'Juno', 'Sitara', 'Kavi', 'Aanya', 'Raga', 'Nimbus', 'Tara', 'Raavi',
];
export const ENSEMBLES = ['Collective', 'Project', 'Ensemble', 'Trio', 'Sound System', 'Orchestra', 'Beats', 'Club'];

export interface FilterSeed {
  type: string;
  names: string[];
}

/** 40 filters; `era` is the rare type that tests clients' handling of unknown filter types. */
export const FILTER_SEEDS: FilterSeed[] = [
  {
    type: 'genre',
    names: ['Electronic', 'Hip Hop', 'Bollywood', 'Indian Classical', 'Lo-Fi', 'Rock', 'Pop', 'Jazz', 'Ambient', 'Cinematic', 'Folk', 'EDM'],
  },
  {
    type: 'mood',
    names: ['Energetic', 'Happy', 'Calm', 'Romantic', 'Dark', 'Uplifting', 'Sad', 'Epic', 'Playful', 'Dreamy', 'Tense'],
  },
  { type: 'instrument', names: ['Piano', 'Guitar', 'Sitar', 'Tabla', 'Dhol', 'Flute', 'Strings', 'Synth', 'Drums'] },
  { type: 'theme', names: ['Wedding', 'Travel', 'Corporate', 'Festive', 'Sports', 'Documentary'] },
  { type: 'era', names: ['80s', '90s'] },
];

export const MUSIC_TAGS = [
  'energetic', 'drive', 'chill', 'upbeat', 'cinematic', 'romantic', 'festive', 'summer', 'night', 'road-trip',
  'workout', 'study', 'meditation', 'party', 'wedding', 'travel', 'vlog', 'advertising', 'corporate', 'motivational',
  'nostalgic', 'dreamy', 'dark', 'intense', 'happy', 'melancholic', 'epic', 'groovy', 'acoustic', 'bollywood',
];

export const SFX_TAGS = ['transition', 'ui', 'foley', 'ambience', 'impact', 'nature', 'cartoon', 'game', 'trailer', 'notification'];

export const MUSICAL_KEYS = [
  'C maj', 'C min', 'C# min', 'D maj', 'D min', 'Eb maj', 'E maj', 'E min', 'F maj', 'F min', 'F# min',
  'G maj', 'G min', 'Ab maj', 'A maj', 'A min', 'Bb maj', 'B min',
];

/** BPM values the upstream really sends now and then; a client must survive every one. */
export const UNPARSEABLE_BPMS = ['', '90-120', 'N/A', 'varies', '120.5'];

/** Credit roles seen rarely; their presence keeps clients honest about open-ended enums. */
export const RARE_ROLES = ['MIXING_ENGINEER', 'ARRANGER', 'FEATURED_ARTIST'];

export const REGIONS = ['IN', 'IN', 'IN', 'IN', 'IN', 'IN', 'IN', 'IN', 'US', 'GB', 'AE', 'SG'];
