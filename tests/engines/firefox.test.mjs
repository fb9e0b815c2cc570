// The smoke tests (scenario.mjs) in Firefox ESR, over WebDriver BiDi.
import { smokeTests } from './scenario.mjs';
import { openFirefox } from './drivers.mjs';

smokeTests(openFirefox);
