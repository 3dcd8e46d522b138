// Kept so existing `node -r` paths keep working; the hook itself is shared: tools/register-ts.cjs.
'use strict';
require('../../../tools/register-ts.cjs');
