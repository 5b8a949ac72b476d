import { forkServerEarly } from './server-process';

// Imported first by extension.ts, so that this runs before the bundle initialises the language
// client library and the rest of the extension: the server's process starts as the bundle
// begins to load, not as it ends (most of a second on a busy machine, as a window opens).
forkServerEarly();
