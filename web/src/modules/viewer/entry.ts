/**
 * A second entry of index.html, evaluated before the console's (main.ts): opening /viewer directly, the
 * viewer's first queries go out and its chunk starts downloading now, while the console's own code loads.
 */
import { startViewerEarly } from './early'

if (location.pathname === '/viewer') {
  performance.mark('viewer:entry')
  startViewerEarly()
  void import('./ViewerPage.vue')
}
