/** Imports a bare name the spec points at a temporary package (the `packages` option). */
import { where } from 'harness-probe-pkg';
import { page } from './dom.js';

page.__done(where);
