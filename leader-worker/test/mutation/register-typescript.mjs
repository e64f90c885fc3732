// Preloaded with `node --import` in Stryker's test runner processes: installs typescript-hooks.mjs.
import { register } from 'node:module';

register('./typescript-hooks.mjs', import.meta.url);
