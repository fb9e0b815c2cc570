// The smoke tests (scenario.mjs) in WebKitGTK's MiniBrowser, over WebDriver; run under xvfb-run.
import { smokeTests } from './scenario.mjs';
import { openWebKit } from './drivers.mjs';

smokeTests(openWebKit);
