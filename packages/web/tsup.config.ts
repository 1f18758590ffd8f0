import { defineConfig } from 'tsup';
import { preset } from '../../tools/tsup-preset';

// The Node side (exporter, shared pipeline); the page itself is bundled by scripts/build-app.mjs.
export default defineConfig(preset());
